package io.dkv.core.twopc;

import io.dkv.protocol.PeerMessage.Ack;
import io.dkv.protocol.PeerMessage.Decision;
import io.dkv.protocol.PeerMessage.Forget;
import io.dkv.protocol.PeerMessage.Prepare;
import io.dkv.protocol.PeerMessage.StatusQuery;
import io.dkv.protocol.PeerMessage.StatusReply;
import io.dkv.protocol.TxnId;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The participant's own initiatives, driven by time: the termination protocol for transactions
 * in doubt, and finishing decided transactions whose FORGET does not come.
 *
 * <p>Termination rules (a participant P prepared for longer than terminationAfterMillis):
 * <ol>
 *   <li>P sends STATUS-QUERY to the coordinator and every other participant, every
 *       terminationAfterMillis, until it knows the outcome. If the coordinator is itself a
 *       participant, P also re-sends it the PREPARE: a coordinator that lost its state cannot tell
 *       from a bare query whether it is a participant, so it never refuses on a query; the PREPARE
 *       makes it vote like any participant (its incarnation check refuses it after a restart).
 *   <li>A COMMITTED(v) answer means commit at v; ABORTED or REFUSED means abort.
 *   <li>Once every participant (P included) is known to have prepared, the outcome is COMMIT at
 *       the maximum proposal (see {@link TerminationState} for why that is safe).
 *   <li>Having decided, P applies the outcome and finishes the transaction as the coordinator
 *       would: its decided record answers queries, it sends the decision to everyone else until
 *       all acknowledged, then FORGET.
 * </ol>
 */
final class ParticipantTimers {
  private final String self;
  private final TwoPhaseConfig config;
  private final ParticipantState participant;
  /** True while this node's coordinator role drives the transaction: then it finishes it. */
  private final Predicate<TxnId> coordinatedHere;

  ParticipantTimers(String self, TwoPhaseConfig config, ParticipantState participant,
                    Predicate<TxnId> coordinatedHere) {
    this.self = self;
    this.config = config;
    this.participant = participant;
    this.coordinatedHere = coordinatedHere;
  }

  void tick(long nowMillis, Output out) {
    for (TxnId txn : participant.termination().due(nowMillis, config.terminationAfterMillis())) {
      WorkerRecord rec = participant.record(txn);
      // The only participant: prepared everywhere already, so COMMIT is the only possible outcome.
      Outcome alone = participant.termination().onPrepared(txn, self, rec.proposedVersion(), rec.participants());
      if (alone != null) {
        decideByTermination(rec, alone, nowMillis, out);
      } else {
        query(rec, out);
      }
    }
    CompletionState completion = participant.completion();
    for (TxnId txn : completion.due(nowMillis)) {
      if (coordinatedHere.test(txn)) {
        completion.schedule(txn, nowMillis + config.terminationAfterMillis());
      } else {
        completion.schedule(txn, nowMillis + config.decisionRetryMillis());
        sendDecision(participant.record(txn), nowMillis, out);
      }
    }
  }

  /** An answer to one of our queries: may decide the transaction. */
  void onStatusReply(StatusReply r, long nowMillis, Output out) {
    WorkerRecord rec = participant.record(r.txn());
    if (rec == null || rec.phase() != WorkerPhase.PREPARED) {
      return;
    }
    Outcome outcome = switch (r.state()) {
      case COMMITTED -> Outcome.commitAt(r.version());
      case ABORTED, REFUSED -> Outcome.ABORT;
      case PREPARED -> participant.termination().onPrepared(r.txn(), r.from(), r.version(), rec.participants());
      case FORGOTTEN, UNDECIDED -> null;
    };
    if (outcome != null) {
      decideByTermination(rec, outcome, nowMillis, out);
    }
  }

  /** Applies the outcome found by termination and starts finishing the transaction at once. */
  private void decideByTermination(WorkerRecord rec, Outcome outcome, long nowMillis, Output out) {
    participant.apply(rec, outcome, true, nowMillis, out);
    WorkerRecord decided = participant.record(rec.txn());
    if (!coordinatedHere.test(rec.txn())) {
      participant.completion().schedule(rec.txn(), nowMillis + config.decisionRetryMillis());
      sendDecision(decided, nowMillis, out);
    }
  }

  /** An acknowledgement of a decision we sent while finishing; FORGET once all have it. */
  void onAck(Ack a, long nowMillis, Output out) {
    WorkerRecord rec = participant.record(a.txn());
    if (rec == null || !rec.isDecided()) {
      return;
    }
    List<String> recipients = recipients(rec);
    if (participant.completion().onAck(a.txn(), a.from(), recipients)) {
      finish(rec, recipients, nowMillis, out);
    }
  }

  private void query(WorkerRecord rec, Output out) {
    TxnId txn = rec.txn();
    for (String to : recipients(rec)) {
      out.send(new Envelope(to, new StatusQuery(self, txn)));
    }
    String coordinator = txn.coordinator();
    if (!coordinator.equals(self) && rec.participants().contains(coordinator)) {
      out.send(new Envelope(coordinator, new Prepare(self, txn, rec.participants(), TxnWrite.toWire(rec.writes()))));
    }
  }

  private void sendDecision(WorkerRecord rec, long nowMillis, Output out) {
    List<String> recipients = recipients(rec);
    Outcome outcome = rec.outcome();
    List<String> missing = new ArrayList<>();
    for (String to : recipients) {
      if (!participant.completion().hasAcked(rec.txn(), to)) {
        missing.add(to);
      }
    }
    if (missing.isEmpty()) {
      finish(rec, recipients, nowMillis, out);
      return;
    }
    for (String to : missing) {
      out.send(new Envelope(to, new Decision(self, rec.txn(), outcome.commit(), outcome.version())));
    }
  }

  private void finish(WorkerRecord rec, List<String> recipients, long nowMillis, Output out) {
    for (String to : recipients) {
      out.send(new Envelope(to, new Forget(self, rec.txn())));
    }
    participant.forget(rec.txn(), rec, nowMillis);
  }

  /** Everyone involved but this node: the participants and the coordinator. */
  private List<String> recipients(WorkerRecord rec) {
    Set<String> all = new LinkedHashSet<>(rec.participants());
    all.add(rec.txn().coordinator());
    all.remove(self);
    return List.copyOf(all);
  }
}
