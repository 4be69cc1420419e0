package io.dkv.core.eventual;

import io.dkv.protocol.Bytes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One versioned write a coordinator is sending to the key's replicas, and the clients waiting for
 * it: the first attempt and any retries of the same request that came while it was under way, each
 * with its own quorum and deadline.
 */
final class PendingWrite {
  record Waiter(long handle, int quorum, long deadlineMillis) {}

  final String namespace;
  final Bytes key;
  final EventualValue value;
  final List<String> replicas;
  private final List<Waiter> waiters = new ArrayList<>();
  /** Invariant: acked and refused are disjoint subsets of replicas. */
  private final Set<String> acked = new HashSet<>();
  private final Map<String, String> refused = new LinkedHashMap<>();
  private long nextRetryAtMillis;

  PendingWrite(String namespace, Bytes key, EventualValue value, List<String> replicas, long nextRetryAtMillis) {
    this.namespace = namespace;
    this.key = key;
    this.value = value;
    this.replicas = replicas;
    this.nextRetryAtMillis = nextRetryAtMillis;
  }

  HybridTimestamp version() {
    return value.versionOrNull();
  }

  void addWaiter(Waiter w) {
    waiters.add(w);
  }

  /** Whether {@code from} is a replica of this write that has not answered yet. */
  boolean awaits(String from) {
    return replicas.contains(from) && !acked.contains(from) && !refused.containsKey(from);
  }

  void onAck(String from) {
    acked.add(from);
  }

  void onRefused(String from, String reason) {
    refused.put(from, reason);
  }

  /** Sends the write to every replica that has not answered, if the retry interval has passed. */
  void retry(long nowMillis, long retryMillis, String self, EventualOutput out) {
    if (nowMillis < nextRetryAtMillis) {
      return;
    }
    nextRetryAtMillis = nowMillis + retryMillis;
    for (String r : replicas) {
      if (awaits(r)) {
        out.send(r, new QuorumMessage.WriteRequest(self, namespace, key, value));
      }
    }
  }

  /** Answers every waiter whose fate is known now; returns whether none is left. */
  boolean settle(long nowMillis, EventualOutput out) {
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      EventualResult result = resultFor(w, nowMillis);
      if (result != null) {
        out.reply(result);
        it.remove();
      }
    }
    return waiters.isEmpty();
  }

  private EventualResult resultFor(Waiter w, long nowMillis) {
    if (acked.size() >= w.quorum()) {
      return new EventualResult.Written(w.handle(), version());
    }
    if (replicas.size() - refused.size() < w.quorum()) {
      return incomplete(w, "refused by " + refused.entrySet().stream().map(e -> e.getKey() + " (" + e.getValue() + ")")
          .toList() + ", so fewer than " + w.quorum() + " replicas can acknowledge");
    }
    if (nowMillis >= w.deadlineMillis()) {
      List<String> silent = replicas.stream().filter(this::awaits).toList();
      return incomplete(w, "the deadline passed with " + acked.size() + " of the " + w.quorum()
          + " acknowledgements required (no answer from " + String.join(", ", silent) + ")");
    }
    return null;
  }

  private EventualResult incomplete(Waiter w, String reason) {
    return new EventualResult.WriteIncomplete(w.handle(), version(), acked.size(), w.quorum(),
        reason + "; the write may still be applied and spread by repair");
  }
}
