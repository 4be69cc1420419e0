package io.dkv.core.twopc;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;

import io.dkv.protocol.PeerMessage.AbortReason;
import io.dkv.protocol.PeerMessage.VoteKind;
import io.dkv.protocol.TxnId;
import java.util.List;

/**
 * A participant's journal record of one transaction (JOURNAL key {@code 'W' + txn}).
 *
 * <pre>
 * u8 phase | txn | u16 n, n x node id | u8 has-body
 *   [ u64 epoch | namespace | u32 len, key | mutation | u64 requestId ]
 * | u64 proposedVersion | u8 refusal kind | u8 refusal reason | u64 version
 * mutation = u8 tag (1 put, 2 put-if-absent, 3 delete, 4 compare-and-set)
 *            [ u64 expected version, for compare-and-set ] [ u32 len, value, except delete ]
 * </pre>
 * Enum codes are fixed by hand ({@link Codecs}), never ordinals: they are on disk.
 *
 * @param participants    the transaction's replica set; for a refusal made while answering a
 *                        termination query (no PREPARE seen) only the node that asked
 * @param body            what the transaction does; null for a refusal made while answering a
 *                        termination query
 * @param proposedVersion PREPARED and later: the version this participant proposed
 * @param refusalKind     REFUSED: ABORT, or DUPLICATE when the request id had already committed
 * @param refusalReason   REFUSED: why, as the vote said
 * @param version         COMMITTED: the commit version; REFUSED: the version the vote carried
 */
record WorkerRecord(TxnId txn, WorkerPhase phase, List<String> participants, TxnBody body,
                    long proposedVersion, VoteKind refusalKind, AbortReason refusalReason,
                    long version) {

  static WorkerRecord prepared(TxnId txn, List<String> participants, TxnBody body, long proposal) {
    return new WorkerRecord(txn, WorkerPhase.PREPARED, participants, body, proposal,
        VoteKind.COMMIT, AbortReason.NONE, 0);
  }

  static WorkerRecord refused(TxnId txn, List<String> participants, TxnBody body, VoteKind kind,
                              AbortReason reason, long version) {
    return new WorkerRecord(txn, WorkerPhase.REFUSED, participants, body, 0, kind, reason, version);
  }

  /** Applies the outcome to a PREPARED record. */
  WorkerRecord decided(Outcome outcome) {
    if (phase != WorkerPhase.PREPARED) {
      throw new IllegalStateException("only a prepared transaction can be decided: " + this);
    }
    return new WorkerRecord(txn, outcome.commit() ? WorkerPhase.COMMITTED : WorkerPhase.ABORTED,
        participants, body, proposedVersion, refusalKind, refusalReason,
        outcome.commit() ? outcome.version() : 0);
  }

  boolean isDecided() {
    return phase != WorkerPhase.PREPARED;
  }

  /** The outcome this record implies; only for decided records (REFUSED implies abort). */
  Outcome outcome() {
    return switch (phase) {
      case COMMITTED -> Outcome.commitAt(version);
      case ABORTED, REFUSED -> Outcome.ABORT;
      case PREPARED -> throw new IllegalStateException("undecided: " + this);
    };
  }

  byte[] encode() {
    RecordWriter w = new RecordWriter().u8(phase.code);
    Codecs.writeTxn(w, txn);
    Codecs.writeNodes(w, participants);
    w.u8(body == null ? 0 : 1);
    if (body != null) {
      w.u64(body.epoch());
      body.key().writeTo(w);
      Codecs.writeMutation(w, body.mutation());
      w.u64(body.requestId());
    }
    return w.u64(proposedVersion).u8(Codecs.code(refusalKind)).u8(Codecs.code(refusalReason))
        .u64(version).toByteArray();
  }

  static WorkerRecord decode(byte[] b) {
    RecordReader r = new RecordReader(b, "worker record", CorruptRecordException::new);
    WorkerPhase phase = WorkerPhase.of(r.u8("phase"));
    TxnId txn = Codecs.readTxn(r);
    List<String> participants = Codecs.readNodes(r);
    TxnBody body = null;
    if (r.u8("has body") == 1) {
      body = new TxnBody(r.u64("epoch"), DataKey.readFrom(r), Codecs.readMutation(r), r.u64("request id"));
    }
    WorkerRecord rec = new WorkerRecord(txn, phase, participants, body, r.u64("proposal"),
        Codecs.voteKind(r.u8("vote kind")), Codecs.abortReason(r.u8("abort reason")), r.u64("version"));
    r.end();
    return rec;
  }
}
