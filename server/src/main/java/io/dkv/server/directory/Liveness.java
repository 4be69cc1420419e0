package io.dkv.server.directory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What one voter knows of each node's heartbeats, on its own monotonic clock: when it last applied
 * one, and when it last applied one that granted the node a read lease (one applied while the node
 * was not down). Kept in memory only: heartbeats are entries of the replicated log, so every voter
 * applies them and any voter that becomes leader already knows who was alive. A node not heard
 * from since this voter started counts as heard, and granted, at its start: a restarted voter
 * gives every node a full {@code downAfter} before it suspects it, and assumes a lease may still
 * be running.
 *
 * <p>Thread-safe: written on the apply thread, read by the failover driver.
 */
final class Liveness {
  /** The last heartbeats applied from one node. */
  record Heard(long lastNanos, long lastGrantedNanos, long viewEpoch) {}

  private final long startNanos;
  private final Map<String, Heard> heard = new ConcurrentHashMap<>();

  Liveness(long startNanos) {
    this.startNanos = startNanos;
  }

  /** A heartbeat of {@code nodeId} was applied now; {@code granted}: it gave the node a lease. */
  void heard(String nodeId, long viewEpoch, boolean granted, long nowNanos) {
    heard.compute(nodeId, (id, before) -> {
      long lastGranted = granted ? nowNanos : before == null ? startNanos : before.lastGrantedNanos();
      return new Heard(nowNanos, lastGranted, viewEpoch);
    });
  }

  /**
   * {@code nodeId} joined now: its silence is counted from here, not from this voter's start, so a
   * new node is not marked down before its first heartbeat had time to arrive. Grants nothing.
   */
  void joined(String nodeId, long nowNanos) {
    heard.compute(nodeId, (id, before) -> new Heard(nowNanos,
        before == null ? startNanos : before.lastGrantedNanos(), before == null ? 0 : before.viewEpoch()));
  }

  /** The heartbeats of {@code nodeId}, as if heard at this voter's start if none was applied. */
  Heard of(String nodeId) {
    return heard.getOrDefault(nodeId, new Heard(startNanos, startNanos, 0));
  }
}
