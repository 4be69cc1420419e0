package io.dkv.core.twopc;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;

import io.dkv.protocol.Bytes;

/** A key as the store sees it: the namespace and the client's key. */
record DataKey(String namespace, Bytes key) {

  /** The DATA column-family key: u16 namespace length, namespace (UTF-8), then the key bytes. */
  byte[] encode() {
    return new RecordWriter().string(namespace).raw(key.unsafeArray()).toByteArray();
  }

  /** The key whose {@link #encode() encoding} is {@code b}; {@link CorruptRecordException} if none. */
  static DataKey decode(byte[] b) {
    RecordReader r = new RecordReader(b, "data key", CorruptRecordException::new);
    return new DataKey(r.string("namespace"), Bytes.wrap(r.rest()));
  }

  /** What every {@link #encode() encoding} of a key of {@code namespace} starts with. */
  static byte[] namespacePrefix(String namespace) {
    return new RecordWriter().string(namespace).toByteArray();
  }

  /** Writes the key inside another record, where it is not the last field. */
  void writeTo(RecordWriter w) {
    w.string(namespace).bytes(key.unsafeArray());
  }

  static DataKey readFrom(RecordReader r) {
    return new DataKey(r.string("namespace"), Bytes.wrap(r.bytes("key")));
  }

  @Override
  public String toString() {
    return namespace + ":" + key;
  }
}
