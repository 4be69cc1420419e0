package io.dkv.core.twopc;

import io.dkv.protocol.TxnId;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Forgotten transactions, remembered in memory for {@code ttlMillis} so that a delayed duplicate
 * PREPARE or query is answered from the outcome instead of starting the transaction again. Lost at
 * a crash, which is fine: TCP drops the messages in flight to and from a crashed process.
 */
final class Tombstones {
  /** What is known of a forgotten transaction; {@code outcome} is null when it is not known. */
  record Tombstone(Outcome outcome, long expiresAtMillis) {}

  private record Expiry(TxnId txn, long atMillis) {}

  private final long ttlMillis;
  private final Map<TxnId, Tombstone> byTxn = new HashMap<>();
  /** In insertion order, hence in expiry order (the clock never goes back, the TTL is fixed). */
  private final ArrayDeque<Expiry> expiries = new ArrayDeque<>();

  Tombstones(long ttlMillis) {
    this.ttlMillis = ttlMillis;
  }

  Tombstone get(TxnId txn) {
    return byTxn.get(txn);
  }

  /** Remembers {@code txn} for the TTL from now; a known outcome is never replaced by an unknown one. */
  void add(TxnId txn, Outcome outcome, long nowMillis) {
    Tombstone old = byTxn.get(txn);
    Outcome kept = outcome == null && old != null ? old.outcome() : outcome;
    byTxn.put(txn, new Tombstone(kept, nowMillis + ttlMillis));
    expiries.addLast(new Expiry(txn, nowMillis + ttlMillis));
  }

  void expire(long nowMillis) {
    while (!expiries.isEmpty() && expiries.peekFirst().atMillis() <= nowMillis) {
      Expiry e = expiries.pollFirst();
      Tombstone t = byTxn.get(e.txn());
      // A later add of the same txn pushed its expiry back; only that later entry removes it.
      if (t != null && t.expiresAtMillis() <= nowMillis) {
        byTxn.remove(e.txn());
      }
    }
  }

  int size() {
    return byTxn.size();
  }
}
