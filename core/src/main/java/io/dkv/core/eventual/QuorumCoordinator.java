package io.dkv.core.eventual;

import io.dkv.core.eventual.EventualCommand.Change;
import io.dkv.core.eventual.EventualCommand.Delete;
import io.dkv.core.eventual.EventualCommand.Put;
import io.dkv.core.eventual.RequestWindow.RequestKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The coordinator role of eventual namespaces (Dynamo-style quorums, DeCandia et al., SOSP 2007).
 *
 * <p>Writes: the coordinator stamps the write with a new version from this node's
 * {@link HybridClock}, sends it to all N replicas, re-sends to those that have not answered every
 * {@code retryMillis}, and answers the client once W have acknowledged durably; at the deadline,
 * or when so many replicas refused that W is out of reach, it answers
 * {@link EventualResult.WriteIncomplete} (the write is not undone). It remembers each request id
 * with the version it was stamped with ({@link RequestWindow}): a retry is sent with that same
 * version, so a replica that already holds the write merges it again to no effect (merge is
 * idempotent) and one that missed it takes it; the write is applied once, under one version.
 *
 * <p>Hinted handoff ({@link Handoff}): a replica that has not acknowledged after
 * {@code handoffDelayMillis}, or that the driver reports down, gets the write through a fallback
 * node that keeps it as a durable hint; the write stays under way, after its clients were answered,
 * until every replica acknowledged or has a hint, or its handoff timeout passes. A hint does not
 * count toward W.
 *
 * <p>Reads: it asks R replicas (this node first when it is one of them), asks every replica that has
 * not answered after each {@code retryMillis}, and answers with the newest value once R have
 * replied; replicas that answered something older, or had not answered, are reported as a
 * {@link ReadRepair} effect instead of delaying the reply. Versions in replies advance this node's
 * clock (when within the drift bound), so a write this node coordinates after a read is stamped
 * above what the read returned.
 */
final class QuorumCoordinator {
  private final String self;
  private final EventualConfig config;
  private final HybridClock clock;
  private final ClockCeiling ceiling;
  private final RequestWindow requests;
  private final Map<HybridTimestamp, PendingWrite> writes = new HashMap<>();
  private final Map<Long, PendingRead> reads = new HashMap<>();
  /** Invariant: every read id issued by this process is <= readSequence. */
  private long readSequence;

  /** @param firstReadId the id of this process's first read (see {@link EventualNode}) */
  QuorumCoordinator(String self, EventualConfig config, HybridClock clock, ClockCeiling ceiling, long firstReadId) {
    this.self = self;
    this.readSequence = firstReadId - 1;
    this.config = config;
    this.clock = clock;
    this.ceiling = ceiling;
    this.requests = new RequestWindow(config.requestWindowMillis(), config.maxRequestsRemembered());
  }

  void onWrite(EventualCommand.Write w, long nowMillis, EventualOutput out) {
    String invalid = invalid(w.replicas(), "write quorum W", w.writeQuorum());
    if (invalid != null) {
      out.reply(new EventualResult.Rejected(w.handle(), invalid));
      return;
    }
    RequestKey request = new RequestKey(w.requestId(), w.namespace(), w.key());
    EventualValue value = requests.get(request);
    if (value == null) {
      HybridTimestamp version = clock.send(nowMillis);
      ceiling.cover(version, out); // durable before the version leaves: a restart stamps above it
      value = stamp(w.change(), version);
      requests.remember(request, value, nowMillis);
    } else if (!sameChange(value, w.change())) {
      out.reply(new EventualResult.Rejected(w.handle(), "request id " + w.requestId()
          + " was already used for a different write to this key; a new write needs a new request id"));
      return;
    }
    PendingWrite p = writes.get(value.versionOrNull());
    if (p == null) {
      HintConfig hints = config.hints();
      p = new PendingWrite(w.namespace(), w.key(), value, w.replicas(), nowMillis + config.retryMillis(),
          new Handoff(w.fallbacks(), self, w.down(), nowMillis + hints.handoffDelayMillis()),
          nowMillis + hints.handoffTimeoutMillis());
      writes.put(p.version(), p);
      for (String r : p.replicas) {
        out.send(r, new QuorumMessage.WriteRequest(self, w.namespace(), w.key(), value));
      }
      p.handOff(nowMillis, config.retryMillis(), self, out);
    }
    p.addWaiter(new PendingWrite.Waiter(w.handle(), w.writeQuorum(), w.deadlineMillis()));
    settle(p, nowMillis, out);
  }

  /** A fallback's answer to a hinted write: a stored hint ends the write's handoff for its target. */
  void onHintAck(QuorumMessage.HintAck a, long nowMillis, EventualOutput out) {
    PendingWrite p = writes.get(a.version());
    if (p != null && p.replicas.contains(a.target())) {
      p.onHintAck(a, nowMillis, config.retryMillis(), self, out);
      settle(p, nowMillis, out);
    }
  }

  void onWriteAck(QuorumMessage.WriteAck a, long nowMillis, EventualOutput out) {
    PendingWrite p = writes.get(a.version());
    if (p != null && p.awaits(a.from())) {
      p.onAck(a.from());
      settle(p, nowMillis, out);
    }
  }

  void onWriteRefused(QuorumMessage.WriteRefused r, long nowMillis, EventualOutput out) {
    PendingWrite p = writes.get(r.version());
    if (p != null && p.awaits(r.from())) {
      p.onRefused(r.from(), r.reason());
      settle(p, nowMillis, out);
    }
  }

  void onRead(EventualCommand.Read r, long nowMillis, EventualOutput out) {
    String invalid = invalid(r.replicas(), "read quorum R", r.readQuorum());
    if (invalid != null) {
      out.reply(new EventualResult.Rejected(r.handle(), invalid));
      return;
    }
    List<String> order = new ArrayList<>(r.replicas());
    if (order.remove(self)) {
      order.addFirst(self);
    }
    PendingRead p = new PendingRead(r.handle(), ++readSequence, r.namespace(), r.key(), List.copyOf(order),
        r.readQuorum(), r.deadlineMillis(), nowMillis + config.retryMillis());
    reads.put(p.readId, p);
    p.start(self, out);
  }

  void onReadReply(QuorumMessage.ReadReply m, long nowMillis, EventualOutput out) {
    PendingRead p = reads.get(m.readId());
    // The key is checked too: a reply to another process's read with the same id names another key.
    if (p == null || !p.namespace.equals(m.namespace()) || !p.key.equals(m.key()) || !p.onReply(m.from(), m.value())) {
      return;
    }
    HybridTimestamp version = m.value().versionOrNull();
    if (version != null && clock.withinDrift(version, nowMillis)) {
      clock.receive(version, nowMillis);
    }
    if (p.complete()) {
      reads.remove(p.readId);
      p.finish(out);
    }
  }

  /** Deadlines and retries of every write and read under way; forgets expired request ids. */
  void tick(long nowMillis, EventualOutput out) {
    requests.expire(nowMillis);
    for (Iterator<PendingWrite> it = writes.values().iterator(); it.hasNext(); ) {
      PendingWrite p = it.next();
      p.settle(nowMillis, out);
      if (p.finished(nowMillis)) {
        it.remove();
      } else {
        p.retry(nowMillis, config.retryMillis(), self, out);
        p.handOff(nowMillis, config.retryMillis(), self, out);
      }
    }
    for (Iterator<PendingRead> it = reads.values().iterator(); it.hasNext(); ) {
      PendingRead p = it.next();
      if (nowMillis >= p.deadlineMillis) {
        it.remove();
        out.reply(new EventualResult.ReadIncomplete(p.handle, p.replies(), p.quorum));
      } else {
        p.retry(nowMillis, config.retryMillis(), self, out);
      }
    }
  }

  int writesUnderWay() {
    return writes.size();
  }

  int readsUnderWay() {
    return reads.size();
  }

  int requestsRemembered() {
    return requests.size();
  }

  private void settle(PendingWrite p, long nowMillis, EventualOutput out) {
    p.settle(nowMillis, out);
    if (p.finished(nowMillis)) {
      writes.remove(p.version());
    }
  }

  private static String invalid(List<String> replicas, String what, int quorum) {
    if (replicas.isEmpty()) {
      return "the key has no replicas: a key of an eventual namespace needs at least one";
    }
    if (new HashSet<>(replicas).size() != replicas.size()) {
      return "replicas " + replicas + " name a node more than once";
    }
    return QuorumSettings.problem(what, quorum, replicas.size());
  }

  private static EventualValue stamp(Change change, HybridTimestamp version) {
    return switch (change) {
      case Put p -> new EventualValue.Present(version, p.value());
      case Delete d -> new EventualValue.Tombstone(version);
    };
  }

  private static boolean sameChange(EventualValue sent, Change change) {
    return switch (change) {
      case Put p -> sent instanceof EventualValue.Present v && v.value().equals(p.value());
      case Delete d -> sent instanceof EventualValue.Tombstone;
    };
  }
}
