package io.dkv.server;

import io.dkv.core.directory.CommandResult;
import io.dkv.server.directory.Directory;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this node's heartbeat to the directory every period, renewing its {@link ReadLease} from
 * each one accepted while this node's view had the node's last eviction (the epoch an accepted
 * heartbeat carries). A heartbeat still unanswered when the next is due is not followed by
 * another: a directory without a leader would otherwise pile them up. When the answer carries a
 * newer epoch than this node's view, the view is refreshed at once.
 */
final class Heartbeats implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Heartbeats.class);

  private final String nodeId;
  private final Directory directory;
  private final ReadLease lease;
  private final LongSupplier viewEpoch;
  private final Runnable refresh;
  private final ScheduledExecutorService timer;
  /** Only touched on the timer thread. */
  private CompletableFuture<CommandResult> pending = CompletableFuture.completedFuture(null);
  /** The last refusal logged, so that one repeated every period is logged once. */
  private volatile String lastRefusal;

  Heartbeats(String nodeId, Directory directory, ReadLease lease, LongSupplier viewEpoch,
             Runnable refresh, long periodMillis) {
    this.nodeId = nodeId;
    this.directory = directory;
    this.lease = lease;
    this.viewEpoch = viewEpoch;
    this.refresh = refresh;
    this.timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("dkv-heartbeat-" + nodeId).factory());
    timer.scheduleWithFixedDelay(this::beat, 0, periodMillis, TimeUnit.MILLISECONDS);
  }

  private void beat() {
    if (!pending.isDone()) {
      return;
    }
    long sentNanos = System.nanoTime();
    long epoch = viewEpoch.getAsLong();
    try {
      pending = directory.heartbeat(epoch);
    } catch (RuntimeException e) {
      log.debug("node {}: heartbeat not sent: {}", nodeId, e.toString());
      return;
    }
    pending.whenComplete((result, failure) -> {
      if (failure != null) {
        log.debug("node {}: heartbeat not acknowledged: {}", nodeId, failure.toString());
        return;
      }
      if (result instanceof CommandResult.Accepted && result.epoch() <= epoch) {
        // Only with a view that has the node's last eviction: a node marked up after an eviction
        // it has not seen yet would otherwise read, and judge conditions, as a replica it no
        // longer is. Other changes need not be seen first (docs/directory.md §9): requiring the
        // directory's newest epoch took every lease away while partitions moved.
        lease.renew(sentNanos);
        lastRefusal = null;
      } else if (result instanceof CommandResult.Rejected r && !r.reason().equals(lastRefusal)) {
        lastRefusal = r.reason();
        log.warn("node {}: the directory grants no read lease: {}", nodeId, r.reason());
      }
      if (result.epoch() > epoch) {
        refresh.run();
      }
    });
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
