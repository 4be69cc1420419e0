package io.dkv.core.twopc;

import io.dkv.protocol.TxnId;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Per-key try-locks held by prepared transactions, and the highest version proposed or committed
 * per key. In memory only: rebuilt from the PREPARED journal records at restart.
 *
 * <p>Invariant: a key is locked by at most one transaction, and a transaction holds exactly the
 * lock of its key while its record here is PREPARED.
 */
final class LockTable {
  private final Map<DataKey, TxnId> holders = new HashMap<>();
  /**
   * Highest version proposed or committed per key, when above the committed version. It keeps
   * proposals growing past aborted ones; it is not needed for safety (a proposal is always above
   * the committed version), so losing it at a restart is harmless.
   */
  private final Map<DataKey, Long> highestSeen = new HashMap<>();

  boolean isLocked(DataKey key) {
    return holders.containsKey(key);
  }

  /** Every key a transaction holds now (a view, not a copy). */
  Set<DataKey> heldKeys() {
    return Collections.unmodifiableSet(holders.keySet());
  }

  /** The transaction that holds {@code key}'s lock, or null. */
  TxnId holder(DataKey key) {
    return holders.get(key);
  }

  /** The version a new proposal must exceed, given the key's committed version. */
  long floor(DataKey key, long committedVersion) {
    return Math.max(committedVersion, highestSeen.getOrDefault(key, 0L));
  }

  void lock(DataKey key, TxnId txn, long proposal) {
    TxnId previous = holders.putIfAbsent(key, txn);
    if (previous != null && !previous.equals(txn)) {
      throw new IllegalStateException("key " + key + " is locked by " + previous + ", not " + txn);
    }
    highestSeen.merge(key, proposal, Math::max);
  }

  /**
   * Releases {@code txn}'s lock. After a commit at {@code committedVersion} the committed version
   * is at least the highest seen, so the entry is dropped to keep the map small.
   */
  void release(DataKey key, TxnId txn, long committedVersion) {
    holders.remove(key, txn);
    Long seen = highestSeen.get(key);
    if (seen != null && seen <= committedVersion) {
      highestSeen.remove(key);
    }
  }

  int size() {
    return holders.size();
  }
}
