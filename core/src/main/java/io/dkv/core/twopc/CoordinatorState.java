package io.dkv.core.twopc;

import io.dkv.core.storage.WriteBatch;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.PeerMessage.AbortReason;
import io.dkv.protocol.PeerMessage.Ack;
import io.dkv.protocol.PeerMessage.Decision;
import io.dkv.protocol.PeerMessage.Forget;
import io.dkv.protocol.PeerMessage.Prepare;
import io.dkv.protocol.PeerMessage.Vote;
import io.dkv.protocol.TxnId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The coordinator role: runs one transaction per client write.
 *
 * <p>The rule that makes termination safe: this coordinator decides ABORT only when a participant
 * has durably refused (an ABORT or DUPLICATE-of-another-txn vote, or a decision learned from
 * someone else), never on its own; a vote that does not come only makes it give up (drop the
 * transaction, undecided) at the client's deadline. So "every participant prepared" implies that
 * no one can ever decide ABORT, and the participants may commit without it.
 */
final class CoordinatorState {
  private final String self;
  private final TwoPhaseConfig config;
  private final Journal journal;
  private final Map<TxnId, CoordinatedTxn> txns = new HashMap<>();
  private long incarnation;
  /** Invariant: every transaction id of this incarnation so far has a sequence <= this. */
  private long sequence;

  CoordinatorState(String self, TwoPhaseConfig config, Journal journal) {
    this.self = self;
    this.config = config;
    this.journal = journal;
  }

  /** After a restart: re-send every logged decision (acknowledgements are not persisted). */
  void recover(long incarnation, long nowMillis, Output out) {
    this.incarnation = incarnation;
    for (DecisionRecord rec : journal.loadDecisions()) {
      CoordinatedTxn t = new CoordinatedTxn(rec.txn(), rec.participants(), null);
      t.outcome = rec.outcome();
      txns.put(t.txn, t);
      sendDecision(t, nowMillis, out);
    }
  }

  void onWrite(ClientCommand.Write w, long nowMillis, Output out) {
    String invalid = validate(w.participants());
    if (invalid != null) {
      out.reply(new ClientResult.Failed(w.handle(), ErrorCode.INVALID_ARGUMENT, invalid));
      return;
    }
    // Nothing is decided yet, so nothing is logged before the PREPAREs leave.
    CoordinatedTxn t = new CoordinatedTxn(new TxnId(self, incarnation, ++sequence), List.copyOf(w.participants()), w);
    txns.put(t.txn, t);
    sendPrepare(t, nowMillis, out);
  }

  void onVote(Vote v, long nowMillis, Output out) {
    CoordinatedTxn t = txns.get(v.txn());
    if (t == null || t.isDecided() || !t.participants.contains(v.from())) {
      return; // late, duplicate or stray: the decision (if any) does not depend on it
    }
    switch (v.kind()) {
      case COMMIT -> {
        t.proposals.merge(v.from(), v.version(), Math::max);
        if (t.allVotedCommit()) {
          decide(t, Outcome.commitAt(t.maxProposal()), nowMillis, out);
        }
      }
      case ABORT -> {
        decide(t, Outcome.ABORT, nowMillis, out);
        answerClient(t, abortResult(t.write.handle(), v.reason(), v.version()), out);
      }
      case DUPLICATE -> {
        if (v.reason() == AbortReason.NONE) {
          // This very transaction committed (decided by termination): adopt that decision.
          decide(t, Outcome.commitAt(v.version()), nowMillis, out);
        } else {
          // The request committed earlier as another transaction; this one is refused there.
          decide(t, Outcome.ABORT, nowMillis, out);
          answerClient(t, new ClientResult.Written(t.write.handle(), WriteStatus.OK, v.version()), out);
        }
      }
    }
  }

  /**
   * A decision from a participant that finished the transaction by termination. If still
   * collecting votes, adopt it: it is durable at the sender and it is the only possible outcome.
   */
  void onDecision(Decision d, long nowMillis, Output out) {
    CoordinatedTxn t = txns.get(d.txn());
    Outcome outcome = d.commit() ? Outcome.commitAt(d.version()) : Outcome.ABORT;
    if (t == null) {
      return;
    }
    if (t.isDecided()) {
      if (!t.outcome.equals(outcome)) {
        throw new IllegalStateException("2PC invariant violated: coordinator decided " + t.outcome
            + " for " + t.txn + " but " + d.from() + " says " + outcome);
      }
      return;
    }
    decide(t, outcome, nowMillis, out);
    if (!outcome.commit()) {
      answerClient(t, new ClientResult.Failed(t.write.handle(), ErrorCode.TIMEOUT,
          "the transaction was aborted by the termination protocol; retry with the same request id"), out);
    }
  }

  void onAck(Ack a, Output out) {
    CoordinatedTxn t = txns.get(a.txn());
    if (t == null || !t.isDecided() || !t.participants.contains(a.from())) {
      return;
    }
    t.acked.add(a.from());
    if (t.allAcked()) {
      finish(t, true, out);
    }
  }

  /** A participant finished the transaction itself: every participant has the decision. */
  void onForget(Forget f, Output out) {
    CoordinatedTxn t = txns.get(f.txn());
    if (t != null && t.isDecided()) {
      finish(t, false, out);
    }
  }

  /** This coordinator's outcome for {@code txn}, or null if it has none. */
  Outcome decision(TxnId txn) {
    CoordinatedTxn t = txns.get(txn);
    return t == null ? null : t.outcome;
  }

  boolean isCollecting(TxnId txn) {
    CoordinatedTxn t = txns.get(txn);
    return t != null && !t.isDecided();
  }

  boolean isActive(TxnId txn) {
    return txns.containsKey(txn);
  }

  int size() {
    return txns.size();
  }

  void tick(long nowMillis, Output out) {
    for (CoordinatedTxn t : new ArrayList<>(txns.values())) {
      if (!t.isDecided()) {
        if (nowMillis >= t.write.deadlineMillis()) {
          // Undecided: give up without deciding. Prepared participants will terminate it.
          txns.remove(t.txn);
          answerClient(t, timeout(t.write.handle(), "no decision before the deadline"), out);
        } else if (nowMillis >= t.nextSendAtMillis) {
          sendPrepare(t, nowMillis, out);
        }
        continue;
      }
      if (!t.clientAnswered && nowMillis >= t.write.deadlineMillis()) {
        answerClient(t, timeout(t.write.handle(), "decided, but not every replica acknowledged before the deadline"), out);
      }
      if (nowMillis >= t.nextSendAtMillis) {
        sendDecision(t, nowMillis, out);
      }
    }
  }

  /**
   * Logs the decision and sends it. A COMMIT is not synced first: it rests on every participant's
   * durable PREPARED record, and "every participant prepared" already fixes the outcome (no one
   * can decide ABORT any more, and terminators commit at the same maximum proposal), so it
   * survives this node's crash without the record. The record only lets a restarted coordinator
   * re-send it. An ABORT is synced: it is rare, and the re-send after a crash lets refused
   * participants' records be collected sooner. docs/two-phase-commit.md §5.
   */
  private void decide(CoordinatedTxn t, Outcome outcome, long nowMillis, Output out) {
    t.outcome = outcome;
    WriteBatch batch = new WriteBatch();
    Journal.putDecision(batch, new DecisionRecord(t.txn, outcome, t.participants));
    journal.write(batch);
    if (!outcome.commit()) {
      out.requireSync();
    }
    sendDecision(t, nowMillis, out);
  }

  /** All acknowledged: reply to the client if it still waits, drop the record, tell everyone. */
  private void finish(CoordinatedTxn t, boolean sendForget, Output out) {
    if (t.outcome.commit() && !t.clientAnswered) {
      answerClient(t, new ClientResult.Written(t.write.handle(), WriteStatus.OK, t.outcome.version()), out);
    }
    // Not synced: a decision record that survives a crash is only sent and acknowledged again.
    WriteBatch batch = new WriteBatch();
    Journal.deleteDecision(batch, t.txn);
    journal.write(batch);
    txns.remove(t.txn);
    if (sendForget) {
      for (String p : t.participants) {
        out.send(new Envelope(p, new Forget(self, t.txn)));
      }
    }
  }

  private void sendPrepare(CoordinatedTxn t, long nowMillis, Output out) {
    ClientCommand.Write w = t.write;
    for (String p : t.participants) {
      if (!t.proposals.containsKey(p)) {
        out.send(new Envelope(p, new Prepare(self, t.txn, w.epoch(), t.participants, w.namespace(),
            w.key(), w.mutation(), w.requestId())));
      }
    }
    t.nextSendAtMillis = nowMillis + config.prepareRetryMillis();
  }

  private void sendDecision(CoordinatedTxn t, long nowMillis, Output out) {
    for (String p : t.participants) {
      if (!t.acked.contains(p)) {
        out.send(new Envelope(p, new Decision(self, t.txn, t.outcome.commit(), t.outcome.version())));
      }
    }
    t.nextSendAtMillis = nowMillis + config.decisionRetryMillis();
  }

  private static void answerClient(CoordinatedTxn t, ClientResult r, Output out) {
    if (!t.clientAnswered) {
      t.clientAnswered = true;
      out.reply(r);
    }
  }

  private static ClientResult abortResult(long handle, AbortReason reason, long version) {
    return switch (reason) {
      case LOCK_CONFLICT -> new ClientResult.Failed(handle, ErrorCode.LOCK_CONFLICT,
          "another transaction holds the key's lock; retry");
      case CONDITION_FAILED -> new ClientResult.Written(handle, WriteStatus.CONDITION_FAILED, version);
      case NOT_FOUND -> new ClientResult.Written(handle, WriteStatus.NOT_FOUND, 0);
      case STALE_EPOCH -> new ClientResult.Failed(handle, ErrorCode.STALE_EPOCH,
          version == PartitionEpochs.UNKNOWN_NAMESPACE
              ? "a replica's view of the directory has another incarnation of this namespace (it"
                  + " was dropped or created since, here or there); retry"
              : "a replica knows a newer configuration of the key's partition (epoch " + version
                  + "); refresh the partition map and retry");
      case REFUSED, NONE -> timeout(handle,
          "the transaction was aborted by the termination protocol; retry with the same request id");
    };
  }

  private static ClientResult timeout(long handle, String why) {
    return new ClientResult.Failed(handle, ErrorCode.TIMEOUT, "outcome unknown: " + why);
  }

  private static String validate(List<String> participants) {
    if (participants == null || participants.isEmpty()) {
      return "a write needs at least one participant";
    }
    if (new HashSet<>(participants).size() != participants.size() || participants.stream().anyMatch(java.util.Objects::isNull)) {
      return "participants must be distinct node ids: " + participants;
    }
    return null;
  }
}
