package io.dkv.core.twopc;

import io.dkv.protocol.TxnId;

/**
 * "This client request already committed here" (JOURNAL key {@code 'R' + requestId + key}),
 * written in the same atomic batch as the commit's data. Layout: u64 version, txn.
 */
record DedupRecord(long version, TxnId txn) {

  byte[] encode() {
    BinaryWriter w = new BinaryWriter().u64(version);
    Codecs.writeTxn(w, txn);
    return w.toByteArray();
  }

  static DedupRecord decode(byte[] b) {
    BinaryReader r = new BinaryReader(b);
    DedupRecord rec = new DedupRecord(r.u64(), Codecs.readTxn(r));
    r.expectEnd();
    return rec;
  }
}
