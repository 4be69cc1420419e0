package io.dkv.core.twopc;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The coordinator's client writes that wait for a transaction, per participant list. A write
 * starts at once unless {@link #MAX_PREPARING} transactions with the same participants are still
 * collecting votes; then it waits, and the writes that gathered meanwhile start together when one
 * of those is decided. So a lone write never waits, and under load each prepare round carries
 * every write that arrived during the one before: batches grow with the load by themselves, as
 * a Raft leader's appends do while the previous ones are in flight.
 *
 * <p>In memory only: nothing of a waiting write has been sent or logged, so a crash loses it as it
 * loses a request still in the inbox (its client times out and retries with the same request id).
 */
final class WaitingWrites {
  /** Transactions per participant list that may collect votes at the same time. */
  static final int MAX_PREPARING = 1;

  private final Map<List<String>, Deque<ClientCommand.Write>> queued = new HashMap<>();
  private final Map<List<String>, Integer> preparing = new HashMap<>();

  /** Queues {@code writes} (all with {@code participants}) behind those already waiting. */
  void add(List<String> participants, List<ClientCommand.Write> writes) {
    if (writes.isEmpty()) {
      return;
    }
    queued.computeIfAbsent(participants, k -> new ArrayDeque<>()).addAll(writes);
  }

  /** Puts writes back at the head of the queue, ahead of the others (they waited longest). */
  void addFirst(List<String> participants, List<ClientCommand.Write> writes) {
    if (writes.isEmpty()) {
      return;
    }
    Deque<ClientCommand.Write> q = queued.computeIfAbsent(participants, k -> new ArrayDeque<>());
    for (int i = writes.size() - 1; i >= 0; i--) {
      q.addFirst(writes.get(i));
    }
  }

  /**
   * The next transaction's writes for {@code participants}, counted as preparing, or null when
   * none waits or {@link #MAX_PREPARING} are preparing: in queue order, up to {@code max}, to
   * distinct keys (it stops before a key it already has).
   */
  List<ClientCommand.Write> next(List<String> participants, int max) {
    Deque<ClientCommand.Write> q = queued.get(participants);
    if (q == null || preparing.getOrDefault(participants, 0) >= MAX_PREPARING) {
      return null;
    }
    List<ClientCommand.Write> writes = new ArrayList<>();
    Set<DataKey> keys = new HashSet<>();
    while (!q.isEmpty() && writes.size() < max && keys.add(new DataKey(q.peekFirst().namespace(), q.peekFirst().key()))) {
      writes.add(q.pollFirst());
    }
    if (q.isEmpty()) {
      queued.remove(participants);
    }
    preparing.merge(participants, 1, Integer::sum);
    return writes;
  }

  /** A transaction that {@link #next} gave stopped collecting votes (decided, or given up). */
  void doneCollecting(List<String> participants) {
    preparing.computeIfPresent(participants, (k, n) -> n == 1 ? null : n - 1);
  }

  /** Removes and returns the waiting writes whose deadline has passed. */
  List<ClientCommand.Write> expire(long nowMillis) {
    List<ClientCommand.Write> expired = new ArrayList<>();
    for (Iterator<Deque<ClientCommand.Write>> it = queued.values().iterator(); it.hasNext(); ) {
      Deque<ClientCommand.Write> q = it.next();
      q.removeIf(w -> nowMillis >= w.deadlineMillis() && expired.add(w));
      if (q.isEmpty()) {
        it.remove();
      }
    }
    return expired;
  }

  /** How many writes wait. */
  int size() {
    return queued.values().stream().mapToInt(Deque::size).sum();
  }
}
