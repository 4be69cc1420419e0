package io.dkv.core.eventual;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.twopc.CorruptRecordException;
import io.dkv.protocol.Bytes;

/**
 * One record of the EVENTUAL column family, decoded: a key of a namespace (by its storage name)
 * and what the replica holds for it. The form in which a partition move carries eventual values
 * from a replica to a learner, verbatim as stored (docs/eventual.md §9).
 */
public record StoredEntry(String namespace, Bytes key, EventualValue value) {
  public StoredEntry {
    if (value.versionOrNull() == null) {
      throw new IllegalArgumentException("a stored entry holds a value or a tombstone, not absent");
    }
  }

  /**
   * The entry stored under {@code storageKey} as {@code stored}.
   *
   * @throws CorruptRecordException if either does not decode (naming the field), or the value is absent
   */
  public static StoredEntry decode(byte[] storageKey, byte[] stored) {
    RecordReader r = new RecordReader(storageKey, "eventual key", CorruptRecordException::new);
    String namespace = r.string("namespace");
    Bytes key = Bytes.wrap(r.rest());
    if (stored == null) {
      throw new CorruptRecordException("eventual key " + namespace + ":" + key + " has no value");
    }
    return new StoredEntry(namespace, key, StoredValue.decode(stored));
  }
}
