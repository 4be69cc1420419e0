package io.dkv.core.twopc;

import io.dkv.protocol.TxnId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Decided participant records waiting to be forgotten. Normally the coordinator's FORGET arrives
 * first and nothing here ever fires. If it does not (the coordinator crashed, the FORGET was lost,
 * the coordinator dropped an undecided transaction that this node refused, or this node decided
 * by termination), this participant finishes the transaction itself: it sends its decision to the
 * other participants and the coordinator until all have acknowledged, then sends FORGET.
 */
final class CompletionState {
  private static final class Pending {
    long nextSendAtMillis;
    final Set<String> acked = new HashSet<>();
  }

  private final Map<TxnId, Pending> txns = new HashMap<>();

  /** Schedules the next send of {@code txn}'s decision; acknowledgements already seen are kept. */
  void schedule(TxnId txn, long atMillis) {
    txns.computeIfAbsent(txn, t -> new Pending()).nextSendAtMillis = atMillis;
  }

  void cancel(TxnId txn) {
    txns.remove(txn);
  }

  /** The transactions whose send is due; the caller reschedules each. */
  List<TxnId> due(long nowMillis) {
    List<TxnId> out = new ArrayList<>();
    for (Map.Entry<TxnId, Pending> e : txns.entrySet()) {
      if (nowMillis >= e.getValue().nextSendAtMillis) {
        out.add(e.getKey());
      }
    }
    return out;
  }

  boolean hasAcked(TxnId txn, String node) {
    Pending p = txns.get(txn);
    return p != null && p.acked.contains(node);
  }

  /** Records an acknowledgement; true once every one of {@code recipients} has acknowledged. */
  boolean onAck(TxnId txn, String from, List<String> recipients) {
    Pending p = txns.get(txn);
    if (p == null || !recipients.contains(from)) {
      return false;
    }
    p.acked.add(from);
    return p.acked.containsAll(recipients);
  }

  int size() {
    return txns.size();
  }
}
