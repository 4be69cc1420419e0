package io.dkv.core.eventual;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The coordinator's side of hinted handoff for one pending write (docs/eventual.md §4.1): which
 * replicas a fallback node holds a hint for, and whom to ask next for the others.
 *
 * <p>A replica that has not acknowledged {@code handoffDelayMillis} after the write started (at
 * once if the driver reported it down) is handed off: the write goes, as a
 * {@link QuorumMessage.HintedWrite} naming it, to the next fallback. A fallback that refuses (it
 * is full) is followed at once by the next one; one that does not answer within
 * {@code retryMillis} too, but only on the timer. After the last fallback the list starts over,
 * on the timer, so a full cluster is asked once per retry period, not in a loop.
 *
 * <p>A hint's acknowledgement never counts toward W (strict quorum): it only tells the coordinator
 * that it need not keep the write for that replica any longer.
 */
final class Handoff {
  private final List<String> fallbacks;
  private final Set<String> down;
  private final long handOffAtMillis;
  /** Replicas for which a fallback acknowledged a stored hint. */
  private final Set<String> hinted = new HashSet<>();
  /** Per replica: how many fallbacks were asked so far; the next is candidates[asked % size]. */
  private final Map<String, Integer> asked = new HashMap<>();
  private final Map<String, Long> nextAttemptAtMillis = new HashMap<>();

  /**
   * @param fallbacks the driver's fallbacks; this node ({@code self}) is added last if absent, so that
   *                  a cluster with no other node still gets a durable hint
   */
  Handoff(List<String> fallbacks, String self, Set<String> down, long handOffAtMillis) {
    List<String> all = new ArrayList<>(fallbacks);
    if (!all.contains(self)) {
      all.add(self);
    }
    this.fallbacks = List.copyOf(all);
    this.down = down;
    this.handOffAtMillis = handOffAtMillis;
  }

  boolean hinted(String replica) {
    return hinted.contains(replica);
  }

  /** Hands off every replica in {@code silent} whose turn has come. */
  void step(PendingWrite p, List<String> silent, long nowMillis, long retryMillis, String self, EventualOutput out) {
    for (String replica : silent) {
      boolean due = down.contains(replica) || nowMillis >= handOffAtMillis;
      if (due && !hinted.contains(replica) && nowMillis >= nextAttemptAtMillis.getOrDefault(replica, 0L)) {
        askNext(p, replica, nowMillis, retryMillis, self, out);
      }
    }
  }

  /** A fallback's answer about {@code target}'s hint. */
  void onHintAck(PendingWrite p, QuorumMessage.HintAck a, long nowMillis, long retryMillis, String self,
                 EventualOutput out) {
    if (a.stored()) {
      hinted.add(a.target());
      return;
    }
    List<String> candidates = candidates(a.target());
    int n = asked.getOrDefault(a.target(), 0);
    boolean lastAsked = n > 0 && candidates.get((n - 1) % candidates.size()).equals(a.from());
    if (lastAsked && n < candidates.size() && !hinted.contains(a.target())) {
      askNext(p, a.target(), nowMillis, retryMillis, self, out);
    }
  }

  private void askNext(PendingWrite p, String replica, long nowMillis, long retryMillis, String self,
                       EventualOutput out) {
    List<String> candidates = candidates(replica);
    if (candidates.isEmpty()) {
      return;
    }
    int n = asked.getOrDefault(replica, 0);
    asked.put(replica, n + 1);
    nextAttemptAtMillis.put(replica, nowMillis + retryMillis);
    out.send(candidates.get(n % candidates.size()),
        new QuorumMessage.HintedWrite(self, replica, p.namespace, p.key, p.value));
  }

  /** The fallbacks that may hold a hint for {@code replica}: not the replica itself. */
  private List<String> candidates(String replica) {
    return fallbacks.stream().filter(f -> !f.equals(replica)).toList();
  }
}
