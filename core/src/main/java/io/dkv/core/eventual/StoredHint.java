package io.dkv.core.eventual;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;
import io.dkv.core.twopc.CorruptRecordException;
import io.dkv.protocol.Bytes;

/**
 * A hint in the HINTS column family, network byte order:
 * <pre>
 * key   := u16 namespace length | namespace (UTF-8) | u16 target length | target (UTF-8) | key
 * value := u64 storedAtMillis | StoredValue (kind, version, value bytes)
 * </pre>
 * The namespace comes first, as in the EVENTUAL and DATA keys, so that one prefix covers a
 * namespace's hints too and a dropped namespace's hints are freed with its values.
 *
 * @param storedAtMillis the holder's wall clock when it stored this value: the hint's age counts from it
 */
record StoredHint(String namespace, String target, Bytes key, EventualValue value, long storedAtMillis) {
  byte[] encodeKey() {
    return keyOf(namespace, target, key);
  }

  static byte[] keyOf(String namespace, String target, Bytes key) {
    return new RecordWriter().string(namespace).string(target).raw(key.unsafeArray()).toByteArray();
  }

  byte[] encodeValue() {
    return new RecordWriter().u64(storedAtMillis).raw(StoredValue.encode(value)).toByteArray();
  }

  /** The hint stored under {@code key}; {@link CorruptRecordException} if damaged. */
  static StoredHint decode(byte[] key, byte[] value) {
    RecordReader k = new RecordReader(key, "hint key", CorruptRecordException::new);
    String namespace = k.string("namespace");
    String target = k.string("target");
    Bytes userKey = Bytes.wrap(k.rest());
    RecordReader v = new RecordReader(value, "hint", CorruptRecordException::new);
    long storedAtMillis = v.u64("storedAtMillis");
    return new StoredHint(namespace, target, userKey, StoredValue.decode(v.rest()), storedAtMillis);
  }
}
