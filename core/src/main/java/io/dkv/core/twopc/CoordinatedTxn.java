package io.dkv.core.twopc;

import io.dkv.protocol.TxnId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One transaction this node coordinates, in memory: one client write or several to distinct keys
 * with the same participants. It exists from the clients' writes until every participant
 * acknowledged the decision (or, undecided, until the last client's deadline).
 *
 * <p>Invariant: {@code outcome != null} iff the decision record is in the journal (written, and
 * synced before any DECISION left).
 */
final class CoordinatedTxn {
  final TxnId txn;
  final List<String> participants;
  /** The client writes, in PREPARE order; empty for a decision recovered from the journal. */
  final List<ClientCommand.Write> writes;
  /** Per write: its client has its answer (or no client waits for it). */
  private final boolean[] answered;
  /** COMMIT votes so far: participant → proposed version. */
  final Map<String, Long> proposals = new HashMap<>();
  final Set<String> acked = new HashSet<>();
  Outcome outcome;
  long nextSendAtMillis;

  CoordinatedTxn(TxnId txn, List<String> participants, List<ClientCommand.Write> writes) {
    this.txn = txn;
    this.participants = participants;
    this.writes = List.copyOf(writes);
    this.answered = new boolean[this.writes.size()];
  }

  boolean isDecided() {
    return outcome != null;
  }

  boolean allVotedCommit() {
    return proposals.keySet().containsAll(participants);
  }

  long maxProposal() {
    long max = 0;
    for (long v : proposals.values()) {
      max = Math.max(max, v);
    }
    return max;
  }

  boolean allAcked() {
    return acked.containsAll(participants);
  }

  boolean isAnswered(int write) {
    return answered[write];
  }

  /** Marks write {@code write} answered; false if it already was. */
  boolean markAnswered(int write) {
    boolean first = !answered[write];
    answered[write] = true;
    return first;
  }

  boolean allAnswered() {
    for (boolean a : answered) {
      if (!a) {
        return false;
      }
    }
    return true;
  }
}
