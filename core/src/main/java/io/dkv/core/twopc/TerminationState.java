package io.dkv.core.twopc;

import io.dkv.protocol.TxnId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Bookkeeping of the termination protocol for transactions prepared here whose outcome this
 * participant does not know (in doubt): when to query next, and which participants are known to
 * have prepared, with their proposals.
 *
 * <p>"Participant p has prepared" is a stable fact (a participant never refuses after preparing,
 * and its PREPARED record is durable before it is announced), so answers accumulate across query
 * rounds. Once every participant is known to have prepared, the outcome can only be COMMIT at the
 * maximum of their proposals: the coordinator never decides ABORT unless some participant durably
 * refused, which none can now do.
 */
final class TerminationState {
  private static final class InDoubt {
    long nextQueryAtMillis;
    /** Participant → its proposed version, for every participant known to have prepared. */
    final Map<String, Long> proposals = new HashMap<>();
  }

  private final Map<TxnId, InDoubt> txns = new HashMap<>();

  /** Starts tracking {@code txn}, prepared here with {@code ownProposal}; first query at {@code atMillis}. */
  void track(TxnId txn, String self, long ownProposal, long atMillis) {
    InDoubt d = new InDoubt();
    d.nextQueryAtMillis = atMillis;
    d.proposals.put(self, ownProposal);
    txns.put(txn, d);
  }

  void cancel(TxnId txn) {
    txns.remove(txn);
  }

  /** The transactions whose next query round is due; each is rescheduled {@code intervalMillis} later. */
  List<TxnId> due(long nowMillis, long intervalMillis) {
    List<TxnId> out = new ArrayList<>();
    for (Map.Entry<TxnId, InDoubt> e : txns.entrySet()) {
      if (nowMillis >= e.getValue().nextQueryAtMillis) {
        e.getValue().nextQueryAtMillis = nowMillis + intervalMillis;
        out.add(e.getKey());
      }
    }
    return out;
  }

  /**
   * Records that {@code from} has prepared with {@code proposal}. Returns the COMMIT outcome once
   * every one of {@code participants} is known to have prepared, else null.
   */
  Outcome onPrepared(TxnId txn, String from, long proposal, List<String> participants) {
    InDoubt d = txns.get(txn);
    if (d == null || !participants.contains(from)) {
      return null;
    }
    d.proposals.merge(from, proposal, Math::max);
    long version = 0;
    for (String p : participants) {
      Long v = d.proposals.get(p);
      if (v == null) {
        return null;
      }
      version = Math.max(version, v);
    }
    return Outcome.commitAt(version);
  }

  int size() {
    return txns.size();
  }
}
