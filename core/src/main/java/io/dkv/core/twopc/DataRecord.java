package io.dkv.core.twopc;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.Mutation;

/**
 * The committed state of one key in the DATA column family.
 *
 * <p>Layout: u8 flags (bit 0: tombstone), u64 version, then the value bytes (empty for a
 * tombstone). A deleted key keeps its tombstone and version for ever, so that a key created again
 * continues above it (versions only grow per key).
 */
record DataRecord(boolean tombstone, long version, Bytes value) {
  private static final int TOMBSTONE = 1;

  /** The key as a client sees it when nothing was ever written. */
  static final DataRecord ABSENT = new DataRecord(true, 0, Bytes.EMPTY);

  boolean present() {
    return !tombstone;
  }

  /** The version a client sees: 0 when the key is absent (never written or deleted). */
  long visibleVersion() {
    return tombstone ? 0 : version;
  }

  /** The state after {@code m} committed at {@code newVersion}; conditions were checked at prepare. */
  static DataRecord after(Mutation m, long newVersion) {
    return switch (m) {
      case Mutation.Put p -> new DataRecord(false, newVersion, p.value());
      case Mutation.PutIfAbsent p -> new DataRecord(false, newVersion, p.value());
      case Mutation.CompareAndSet c -> new DataRecord(false, newVersion, c.value());
      case Mutation.Delete d -> new DataRecord(true, newVersion, Bytes.EMPTY);
    };
  }

  byte[] encode() {
    return new RecordWriter().u8(tombstone ? TOMBSTONE : 0).u64(version).raw(value.unsafeArray())
        .toByteArray();
  }

  static DataRecord decode(byte[] b) {
    if (b == null) {
      return ABSENT;
    }
    RecordReader r = new RecordReader(b, "data record", CorruptRecordException::new);
    int flags = r.u8("flags");
    long version = r.u64("version");
    return new DataRecord((flags & TOMBSTONE) != 0, version, Bytes.wrap(r.rest()));
  }
}
