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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * The coordinator role: runs the transactions of the client writes it receives. Writes with the
 * same participants that wait together ({@link WaitingWrites}) share a transaction, up to
 * {@link #MAX_WRITES_PER_TXN} writes to distinct keys: one PREPARE, vote, decision, ACK and
 * journal record per participant for all of them (docs/two-phase-commit.md §14).
 *
 * <p>The rule that makes termination safe: this coordinator decides ABORT only when a participant
 * has durably refused (an ABORT or DUPLICATE-of-another-txn vote, or a decision learned from
 * someone else), never on its own; a vote that does not come only makes it give up (drop the
 * transaction, undecided) at the clients' deadlines. So "every participant prepared" implies that
 * no one can ever decide ABORT, and the participants may commit without it.
 */
final class CoordinatorState {
  /** The most client writes one transaction carries. */
  static final int MAX_WRITES_PER_TXN = 128;

  private final String self;
  private final TwoPhaseConfig config;
  private final Journal journal;
  private final Map<TxnId, CoordinatedTxn> txns = new HashMap<>();
  private final WaitingWrites waiting = new WaitingWrites();
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
      CoordinatedTxn t = new CoordinatedTxn(rec.txn(), rec.participants(), List.of());
      t.outcome = rec.outcome();
      txns.put(t.txn, t);
      sendDecision(t, nowMillis, out);
    }
  }

  /**
   * Client writes taken in one step. Those with the same participants (in any order) share
   * transactions, in arrival order; while one with those participants collects votes, they wait for it
   * ({@link WaitingWrites}).
   */
  void onWrites(List<ClientCommand.Write> writes, long nowMillis, Output out) {
    Map<List<String>, List<ClientCommand.Write>> byParticipants = new LinkedHashMap<>();
    for (ClientCommand.Write w : writes) {
      String invalid = validate(w.participants());
      if (invalid != null) {
        out.reply(new ClientResult.Failed(w.handle(), ErrorCode.INVALID_ARGUMENT, invalid));
      } else {
        // As a set: the partitions' replica lists name the same nodes in different orders, and
        // the order plays no part in the protocol.
        byParticipants.computeIfAbsent(w.participants().stream().sorted().toList(), k -> new ArrayList<>()).add(w);
      }
    }
    byParticipants.forEach((participants, group) -> {
      waiting.add(participants, group);
      startWaiting(participants, nowMillis, out);
    });
  }

  /** Starts transactions of the writes waiting for {@code participants}, as many as may start. */
  private void startWaiting(List<String> participants, long nowMillis, Output out) {
    for (List<ClientCommand.Write> writes; (writes = waiting.next(participants, MAX_WRITES_PER_TXN)) != null; ) {
      // Nothing is decided yet, so nothing is logged before the PREPAREs leave.
      CoordinatedTxn t = new CoordinatedTxn(new TxnId(self, incarnation, ++sequence), participants, writes);
      txns.put(t.txn, t);
      sendPrepare(t, nowMillis, out);
    }
  }

  /** {@code t} no longer collects votes: the writes waiting for its participants may start. */
  private void doneCollecting(CoordinatedTxn t, long nowMillis, Output out) {
    waiting.doneCollecting(t.participants);
    startWaiting(t.participants, nowMillis, out);
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
      case ABORT -> refused(t, v, handle -> abortResult(handle, v.reason(), v.version()), nowMillis, out);
      case DUPLICATE -> {
        if (v.reason() == AbortReason.NONE) {
          // This very transaction committed (decided by termination): adopt that decision.
          decide(t, Outcome.commitAt(v.version()), nowMillis, out);
        } else {
          // The request committed earlier as another transaction; this one is refused there.
          refused(t, v, handle -> new ClientResult.Written(handle, WriteStatus.OK, v.version()), nowMillis, out);
        }
      }
    }
  }

  /**
   * A participant refused the transaction: it aborts. The write the refusal names gets
   * {@code answer}; the other writes go back to the head of the waiting writes and start again at
   * once in a new transaction (none of them was applied, and a request id is applied at most once
   * whatever its transaction). A refusal of the whole transaction answers every write.
   */
  private void refused(CoordinatedTxn t, Vote v, LongFunction<ClientResult> answer, long nowMillis, Output out) {
    int named = v.write() == Vote.WHOLE && t.writes.size() == 1 ? 0 : v.write();
    if (named == Vote.WHOLE || named >= t.writes.size()) {
      for (int i = 0; i < t.writes.size(); i++) {
        answerClient(t, i, answer.apply(t.writes.get(i).handle()), out);
      }
    } else {
      answerClient(t, named, answer.apply(t.writes.get(named).handle()), out);
      List<ClientCommand.Write> again = new ArrayList<>();
      for (int i = 0; i < t.writes.size(); i++) {
        if (t.markAnswered(i)) { // its answer now comes from the next transaction
          again.add(t.writes.get(i));
        }
      }
      waiting.addFirst(t.participants, again);
    }
    decide(t, Outcome.ABORT, nowMillis, out);
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
      for (int i = 0; i < t.writes.size(); i++) {
        answerClient(t, i, new ClientResult.Failed(t.writes.get(i).handle(), ErrorCode.TIMEOUT,
            "the transaction was aborted by the termination protocol; retry with the same request id"), out);
      }
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
    for (ClientCommand.Write w : waiting.expire(nowMillis)) {
      out.reply(new ClientResult.Failed(w.handle(), ErrorCode.TIMEOUT, "the write waited for the"
          + " transactions before it past its deadline and was not applied; retry with the same request id"));
    }
    for (CoordinatedTxn t : new ArrayList<>(txns.values())) {
      if (!t.isDecided()) {
        // Undecided: each client gets TIMEOUT at its deadline; after the last, give up without
        // deciding. Prepared participants will terminate it.
        answerExpired(t, nowMillis, "no decision before the deadline", out);
        if (t.allAnswered()) {
          txns.remove(t.txn);
          doneCollecting(t, nowMillis, out);
        } else if (nowMillis >= t.nextSendAtMillis) {
          sendPrepare(t, nowMillis, out);
        }
        continue;
      }
      answerExpired(t, nowMillis, "decided, but not every replica acknowledged before the deadline", out);
      if (nowMillis >= t.nextSendAtMillis) {
        sendDecision(t, nowMillis, out);
      }
    }
  }

  private static void answerExpired(CoordinatedTxn t, long nowMillis, String why, Output out) {
    for (int i = 0; i < t.writes.size(); i++) {
      ClientCommand.Write w = t.writes.get(i);
      if (!t.isAnswered(i) && nowMillis >= w.deadlineMillis()) {
        answerClient(t, i, timeout(w.handle(), why), out);
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
    doneCollecting(t, nowMillis, out);
  }

  /** All acknowledged: reply to the clients that still wait, drop the record, tell everyone. */
  private void finish(CoordinatedTxn t, boolean sendForget, Output out) {
    if (t.outcome.commit()) {
      for (int i = 0; i < t.writes.size(); i++) {
        answerClient(t, i, new ClientResult.Written(t.writes.get(i).handle(), WriteStatus.OK, t.outcome.version()), out);
      }
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
    List<Prepare.Write> writes = t.writes.stream()
        .map(w -> new Prepare.Write(w.epoch(), w.namespace(), w.key(), w.mutation(), w.requestId()))
        .toList();
    Prepare prepare = new Prepare(self, t.txn, t.participants, writes);
    for (String p : t.participants) {
      if (!t.proposals.containsKey(p)) {
        out.send(new Envelope(p, prepare));
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

  private static void answerClient(CoordinatedTxn t, int write, ClientResult r, Output out) {
    if (t.markAnswered(write)) {
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
