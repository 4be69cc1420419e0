package io.dkv.core.twopc;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;

import io.dkv.protocol.TxnId;

/**
 * "This client request already committed here" (JOURNAL key {@code 'R' + requestId + key}),
 * written in the same atomic batch as the commit's data. Layout: u64 version, txn.
 */
record DedupRecord(long version, TxnId txn) {

  byte[] encode() {
    RecordWriter w = new RecordWriter().u64(version);
    Codecs.writeTxn(w, txn);
    return w.toByteArray();
  }

  static DedupRecord decode(byte[] b) {
    RecordReader r = new RecordReader(b, "request-id record", CorruptRecordException::new);
    DedupRecord rec = new DedupRecord(r.u64("version"), Codecs.readTxn(r));
    r.end();
    return rec;
  }
}
