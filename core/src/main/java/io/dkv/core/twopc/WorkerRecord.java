package io.dkv.core.twopc;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;

import io.dkv.protocol.PeerMessage.AbortReason;
import io.dkv.protocol.PeerMessage.Vote;
import io.dkv.protocol.PeerMessage.VoteKind;
import io.dkv.protocol.TxnId;
import java.util.ArrayList;
import java.util.List;

/**
 * A participant's journal record of one transaction (JOURNAL key {@code 'W' + txn}).
 *
 * <pre>
 * u8 phase | txn | u16 n, n x node id | u8 writes format | writes
 * | u64 proposedVersion | u8 refusal kind | u8 refusal reason | u64 version | [ u16 refused write ]
 * writes format 0: none (a refusal made while answering a termination query)
 *               1: one write:  write
 *               2: several:    u16 count, count x write; the record ends with the refused write's
 *                  index (0xFFFF: the whole transaction)
 * write    = u64 epoch | namespace | u32 len, key | mutation | u64 requestId
 * mutation = u8 tag (1 put, 2 put-if-absent, 3 delete, 4 compare-and-set)
 *            [ u64 expected version, for compare-and-set ] [ u32 len, value, except delete ]
 * </pre>
 * Formats 0 and 1 are the layout of records written before transactions of several writes, so
 * those still read. Enum codes are fixed by hand ({@link Codecs}), never ordinals: they are on disk.
 *
 * @param participants    the transaction's replica set; for a refusal made while answering a
 *                        termination query (no PREPARE seen) only the node that asked
 * @param writes          what the transaction does, distinct keys; empty for a refusal made while
 *                        answering a termination query
 * @param proposedVersion PREPARED and later: the version this participant proposed (above every
 *                        one of its keys' committed versions)
 * @param refusalKind     REFUSED: ABORT, or DUPLICATE when a request id had already committed
 * @param refusalReason   REFUSED: why, as the vote said
 * @param version         COMMITTED: the commit version; REFUSED: the version the vote carried
 * @param refusedWrite    REFUSED: the index of the write the refusal is about, or
 *                        {@link Vote#WHOLE} (always so for a transaction of one write)
 */
record WorkerRecord(TxnId txn, WorkerPhase phase, List<String> participants, List<TxnWrite> writes,
                    long proposedVersion, VoteKind refusalKind, AbortReason refusalReason,
                    long version, int refusedWrite) {
  private static final int NO_WRITES = 0;
  private static final int ONE_WRITE = 1;
  private static final int SEVERAL_WRITES = 2;
  private static final int WHOLE_ON_DISK = 0xFFFF;

  WorkerRecord {
    writes = List.copyOf(writes);
  }

  static WorkerRecord prepared(TxnId txn, List<String> participants, List<TxnWrite> writes, long proposal) {
    return new WorkerRecord(txn, WorkerPhase.PREPARED, participants, writes, proposal,
        VoteKind.COMMIT, AbortReason.NONE, 0, Vote.WHOLE);
  }

  static WorkerRecord refused(TxnId txn, List<String> participants, List<TxnWrite> writes, VoteKind kind,
                              AbortReason reason, long version, int refusedWrite) {
    return new WorkerRecord(txn, WorkerPhase.REFUSED, participants, writes, 0, kind, reason, version,
        writes.size() > 1 ? refusedWrite : Vote.WHOLE);
  }

  /** Applies the outcome to a PREPARED record. */
  WorkerRecord decided(Outcome outcome) {
    if (phase != WorkerPhase.PREPARED) {
      throw new IllegalStateException("only a prepared transaction can be decided: " + this);
    }
    return new WorkerRecord(txn, outcome.commit() ? WorkerPhase.COMMITTED : WorkerPhase.ABORTED,
        participants, writes, proposedVersion, refusalKind, refusalReason,
        outcome.commit() ? outcome.version() : 0, refusedWrite);
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

  /** The write of this transaction on {@code key}, or null. */
  TxnWrite writeOn(DataKey key) {
    for (TxnWrite w : writes) {
      if (w.key().equals(key)) {
        return w;
      }
    }
    return null;
  }

  byte[] encode() {
    RecordWriter w = new RecordWriter().u8(phase.code);
    Codecs.writeTxn(w, txn);
    Codecs.writeNodes(w, participants);
    int format = Math.min(writes.size(), SEVERAL_WRITES);
    w.u8(format);
    if (format == SEVERAL_WRITES) {
      w.u16(writes.size());
    }
    for (TxnWrite write : writes) {
      w.u64(write.epoch());
      write.key().writeTo(w);
      Codecs.writeMutation(w, write.mutation());
      w.u64(write.requestId());
    }
    w.u64(proposedVersion).u8(Codecs.code(refusalKind)).u8(Codecs.code(refusalReason)).u64(version);
    if (format == SEVERAL_WRITES) {
      w.u16(refusedWrite == Vote.WHOLE ? WHOLE_ON_DISK : refusedWrite);
    }
    return w.toByteArray();
  }

  static WorkerRecord decode(byte[] b) {
    RecordReader r = new RecordReader(b, "worker record", CorruptRecordException::new);
    WorkerPhase phase = WorkerPhase.of(r.u8("phase"));
    TxnId txn = Codecs.readTxn(r);
    List<String> participants = Codecs.readNodes(r);
    int format = r.u8("writes format");
    int count = switch (format) {
      case NO_WRITES -> 0;
      case ONE_WRITE -> 1;
      case SEVERAL_WRITES -> r.u16("write count");
      default -> throw new CorruptRecordException("unknown writes format " + format);
    };
    List<TxnWrite> writes = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      writes.add(new TxnWrite(r.u64("epoch"), DataKey.readFrom(r), Codecs.readMutation(r), r.u64("request id")));
    }
    long proposal = r.u64("proposal");
    VoteKind kind = Codecs.voteKind(r.u8("vote kind"));
    AbortReason reason = Codecs.abortReason(r.u8("abort reason"));
    long version = r.u64("version");
    int refused = Vote.WHOLE;
    if (format == SEVERAL_WRITES) {
      int onDisk = r.u16("refused write");
      refused = onDisk == WHOLE_ON_DISK ? Vote.WHOLE : onDisk;
    }
    r.end();
    return new WorkerRecord(txn, phase, participants, writes, proposal, kind, reason, version, refused);
  }
}
