package io.dkv.core.twopc;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;

import io.dkv.protocol.TxnId;
import java.util.List;

/**
 * A coordinator's GLOBAL-COMMIT or GLOBAL-ABORT (JOURNAL key {@code 'D' + txn}). Durable before
 * the decision is sent; deleted once every participant acknowledged it.
 *
 * <p>Layout: u8 commit, u64 version, txn, participants.
 */
record DecisionRecord(TxnId txn, Outcome outcome, List<String> participants) {

  byte[] encode() {
    RecordWriter w = new RecordWriter().u8(outcome.commit() ? 1 : 0).u64(outcome.version());
    Codecs.writeTxn(w, txn);
    Codecs.writeNodes(w, participants);
    return w.toByteArray();
  }

  static DecisionRecord decode(byte[] b) {
    RecordReader r = new RecordReader(b, "decision record", CorruptRecordException::new);
    boolean commit = r.u8("commit") == 1;
    long version = r.u64("version");
    DecisionRecord rec = new DecisionRecord(Codecs.readTxn(r),
        commit ? Outcome.commitAt(version) : Outcome.ABORT, Codecs.readNodes(r));
    r.end();
    return rec;
  }
}
