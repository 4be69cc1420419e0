package io.dkv.core.twopc;

import io.dkv.protocol.Bytes;

/** A key as the store sees it: the namespace and the client's key. */
record DataKey(String namespace, Bytes key) {

  /** The DATA column-family key: u16 namespace length, namespace (UTF-8), then the key bytes. */
  byte[] encode() {
    return new BinaryWriter().string(namespace).raw(key.unsafeArray()).toByteArray();
  }

  /** Writes the key inside another record, where it is not the last field. */
  void writeTo(BinaryWriter w) {
    w.string(namespace).bytes(key.unsafeArray());
  }

  static DataKey readFrom(BinaryReader r) {
    return new DataKey(r.string(), Bytes.wrap(r.bytes()));
  }

  @Override
  public String toString() {
    return namespace + ":" + key;
  }
}
