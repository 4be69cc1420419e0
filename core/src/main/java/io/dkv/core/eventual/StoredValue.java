package io.dkv.core.eventual;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;
import io.dkv.core.twopc.CorruptRecordException;
import io.dkv.protocol.Bytes;

/**
 * The stored form of an {@link EventualValue} in the EVENTUAL column family, network byte order:
 * <pre>
 * u8 kind (1 = value, 2 = tombstone) | version (HybridTimestamp) | value bytes (to the end; none for a tombstone)
 * </pre>
 * An absent key is not stored.
 */
final class StoredValue {
  // Stored on disk: never renumber one.
  private static final int PRESENT = 1;
  private static final int TOMBSTONE = 2;

  private StoredValue() {}

  static byte[] encode(EventualValue v) {
    RecordWriter w = new RecordWriter();
    switch (v) {
      case EventualValue.Absent a -> throw new IllegalArgumentException("an absent key is not stored");
      case EventualValue.Present p -> {
        w.u8(PRESENT);
        p.version().writeTo(w);
        w.raw(p.value().unsafeArray());
      }
      case EventualValue.Tombstone t -> {
        w.u8(TOMBSTONE);
        t.version().writeTo(w);
      }
    }
    return w.toByteArray();
  }

  /** What {@link #encode} stored, or ABSENT for null; {@link CorruptRecordException} if damaged. */
  static EventualValue decode(byte[] stored) {
    if (stored == null) {
      return EventualValue.ABSENT;
    }
    RecordReader r = new RecordReader(stored, "eventual value", CorruptRecordException::new);
    int kind = r.u8("kind");
    if (kind != PRESENT && kind != TOMBSTONE) {
      throw r.fail("kind", 0, "unknown kind " + kind + "; allowed: 1 (value), 2 (tombstone)");
    }
    HybridTimestamp version = HybridTimestamp.readFrom(r);
    if (kind == PRESENT) {
      return new EventualValue.Present(version, Bytes.wrap(r.rest()));
    }
    r.end();
    return new EventualValue.Tombstone(version);
  }
}
