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
 * with its own quorum and deadline. It outlives its clients until every replica acknowledged,
 * refused or has a hint ({@link Handoff}), or until its handoff timeout.
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
  private final Handoff handoff;
  private final long handoffEndsAtMillis;
  private long nextRetryAtMillis;

  PendingWrite(String namespace, Bytes key, EventualValue value, List<String> replicas, long nextRetryAtMillis,
               Handoff handoff, long handoffEndsAtMillis) {
    this.namespace = namespace;
    this.key = key;
    this.value = value;
    this.replicas = replicas;
    this.nextRetryAtMillis = nextRetryAtMillis;
    this.handoff = handoff;
    this.handoffEndsAtMillis = handoffEndsAtMillis;
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

  /** Hands off the replicas that have not answered and whose turn has come ({@link Handoff}). */
  void handOff(long nowMillis, long retryMillis, String self, EventualOutput out) {
    handoff.step(this, replicas.stream().filter(this::awaits).toList(), nowMillis, retryMillis, self, out);
  }

  void onHintAck(QuorumMessage.HintAck a, long nowMillis, long retryMillis, String self, EventualOutput out) {
    handoff.onHintAck(this, a, nowMillis, retryMillis, self, out);
  }

  /**
   * Whether the coordinator may forget this write: no client waits for it, and every replica
   * acknowledged, refused or has a hint, or the handoff timeout passed.
   */
  boolean finished(long nowMillis) {
    return waiters.isEmpty()
        && (nowMillis >= handoffEndsAtMillis || replicas.stream().noneMatch(r -> awaits(r) && !handoff.hinted(r)));
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

  /** Answers every waiter whose fate is known now. */
  void settle(long nowMillis, EventualOutput out) {
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      EventualResult result = resultFor(w, nowMillis);
      if (result != null) {
        out.reply(result);
        it.remove();
      }
    }
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
