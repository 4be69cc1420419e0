package io.dkv.core.twopc;

import io.dkv.protocol.TxnId;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One transaction this node coordinates, in memory. It exists from the client's write until every
 * participant acknowledged the decision (or, undecided, until the client's deadline).
 *
 * <p>Invariant: {@code outcome != null} iff the decision record is in the journal (written, and
 * synced before any DECISION left).
 */
final class CoordinatedTxn {
  final TxnId txn;
  final List<String> participants;
  /** The client write, or null for a decision recovered from the journal after a restart. */
  final ClientCommand.Write write;
  /** COMMIT votes so far: participant → proposed version. */
  final Map<String, Long> proposals = new HashMap<>();
  final Set<String> acked = new HashSet<>();
  Outcome outcome;
  boolean clientAnswered;
  long nextSendAtMillis;

  CoordinatedTxn(TxnId txn, List<String> participants, ClientCommand.Write write) {
    this.txn = txn;
    this.participants = participants;
    this.write = write;
    this.clientAnswered = write == null;
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
}
