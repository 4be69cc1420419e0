package io.dkv.rpc;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * Replies of deduplicated procedures by (procedure id, request id), so a retried request gets the
 * reply of its first run instead of running again: the at-most-once half of the seed's RPC
 * failure cases. An entry holds the in-flight future, later the completed reply.
 *
 * <p>Bounded by count and by age; the oldest entries go first. A retry that arrives after its
 * entry was evicted runs the handler again, so the bounds must exceed how long and how often
 * clients retry. Request ids are chosen randomly per client (64 bits), so two clients colliding
 * on one id within the window is negligible.
 *
 * <p>Thread-safe: guarded by its own monitor; every operation is O(1) amortised.
 */
final class DedupCache {
  private record Key(int procedureId, long requestId) {}

  private record Entry(CompletableFuture<byte[]> reply, long insertedNanos) {}

  private final int maxEntries;
  private final long maxAgeNanos;
  private final LongSupplier nanoClock;
  // Insertion order is age order, so eviction only ever looks at the head.
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>();

  DedupCache(int maxEntries, long maxAgeNanos, LongSupplier nanoClock) {
    if (maxEntries < 1 || maxAgeNanos < 1) {
      throw new IllegalArgumentException("dedup cache needs maxEntries >= 1 and a positive age");
    }
    this.maxEntries = maxEntries;
    this.maxAgeNanos = maxAgeNanos;
    this.nanoClock = nanoClock;
  }

  /**
   * Registers {@code fresh} for this request unless an entry exists.
   *
   * @return the existing entry's future (the caller must not run the handler), or null when
   *     {@code fresh} was registered (the caller runs the handler and completes it)
   */
  synchronized CompletableFuture<byte[]> putIfAbsent(int procedureId, long requestId,
                                                     CompletableFuture<byte[]> fresh) {
    long now = nanoClock.getAsLong();
    evict(now);
    Key key = new Key(procedureId, requestId);
    Entry existing = entries.get(key);
    if (existing != null) {
      return existing.reply();
    }
    entries.put(key, new Entry(fresh, now));
    if (entries.size() > maxEntries) {
      evict(now);
    }
    return null;
  }

  /** Forgets the entry if it still holds {@code reply}, so that a retry runs the handler again. */
  synchronized void remove(int procedureId, long requestId, CompletableFuture<byte[]> reply) {
    Key key = new Key(procedureId, requestId);
    Entry e = entries.get(key);
    if (e != null && e.reply() == reply) {
      entries.remove(key);
    }
  }

  synchronized int size() {
    return entries.size();
  }

  private void evict(long now) {
    Iterator<Map.Entry<Key, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext()) {
      Entry oldest = it.next().getValue();
      if (entries.size() > maxEntries || now - oldest.insertedNanos() > maxAgeNanos) {
        it.remove();
      } else {
        return;
      }
    }
  }
}
