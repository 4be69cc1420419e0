package io.dkv.core.twopc;

import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.WriteBatch;
import java.util.ArrayDeque;

/**
 * Garbage collection of request-id dedup records: each is deleted {@code windowMillis} after it
 * was written. Deletes are not synced: one lost in a crash is collected again after the restart.
 *
 * <p>The clock of a restarted process may have a different origin (a monotonic clock), so stored
 * timestamps would mean nothing; instead every record found at start counts as written at start.
 * That keeps a record at least as long as the window, never shorter.
 */
final class DedupWindow {
  private record Expiry(byte[] journalKey, long atMillis) {}

  private final long windowMillis;
  /** In insertion order, hence in expiry order (the clock never goes back). */
  private final ArrayDeque<Expiry> expiries = new ArrayDeque<>();

  DedupWindow(long windowMillis) {
    this.windowMillis = windowMillis;
  }

  void track(byte[] journalKey, long nowMillis) {
    expiries.addLast(new Expiry(journalKey, nowMillis + windowMillis));
  }

  /** Deletes the expired records into {@code batch}; at most {@code max} per call, to bound a step. */
  void expire(long nowMillis, WriteBatch batch, int max) {
    for (int i = 0; i < max && !expiries.isEmpty() && expiries.peekFirst().atMillis() <= nowMillis; i++) {
      batch.delete(ColumnFamily.JOURNAL, expiries.pollFirst().journalKey());
    }
  }

  int size() {
    return expiries.size();
  }
}
