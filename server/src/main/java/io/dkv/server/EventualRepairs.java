package io.dkv.server;

import io.dkv.core.directory.Namespace;
import io.dkv.core.directory.NamespaceMode;
import io.dkv.core.eventual.EventualCommand;
import io.dkv.core.eventual.EventualResult;
import io.dkv.core.eventual.RepairConfig;
import io.dkv.core.placement.PartitionMap;
import io.dkv.protocol.ClientMessage.RepairRequest;
import io.dkv.protocol.ClientMessage.RepairResponse;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RequestContext;
import io.dkv.rpc.RpcException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Anti-entropy and tombstone purge of the eventual namespaces on this node (docs/eventual.md §10):
 * on demand (client procedure REPAIR) and every {@code intervalMillis}, a session with each other
 * replica of every partition this node replicates (the first N of the partition's replicas, as
 * writes use), at most {@link #PARALLEL_SESSIONS} at a time, through {@link EventualLoop}; on the
 * schedule also a purge round for each of those partitions that is not moving (a replica joining
 * would be missed by the checks).
 */
final class EventualRepairs implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventualRepairs.class);
  static final int PARALLEL_SESSIONS = 4;
  /** How long a session with a silent replica takes to give up: every attempt unanswered. */
  private static final long SESSION_GIVE_UP_NANOS =
      TimeUnit.MILLISECONDS.toNanos(RepairConfig.defaults().retryMillis() * RepairConfig.defaults().maxAttempts());

  private record Target(String storageName, int partition, String peer) {}

  private final String nodeId;
  private final ClusterSource clusters;
  private final EventualLoop loop;
  private final long intervalMillis;
  private final ScheduledExecutorService timer;

  EventualRepairs(String nodeId, ClusterSource clusters, EventualLoop loop, long intervalMillis) {
    this.nodeId = nodeId;
    this.clusters = clusters;
    this.loop = loop;
    this.intervalMillis = intervalMillis;
    this.timer = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon()
        .name("dkv-repair-" + nodeId).factory());
  }

  /** Starts the schedule: the first round one interval from now. */
  void start() {
    timer.scheduleWithFixedDelay(this::scheduledRound, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Client procedure REPAIR: answers when every session has ended, or the deadline stopped new ones.
   * A namespace this node does not know yet (created a moment ago through another node) is looked
   * up at the directory's leader once before the request is refused.
   */
  CompletableFuture<byte[]> repair(RequestContext ctx, byte[] body) {
    RepairRequest req = (RepairRequest) MessageCodec.decodeRequest(Procedure.REPAIR, body);
    long now = System.nanoTime();
    long deadlineNanos = ctx.hasDeadline() ? ctx.deadlineNanos() : now + TimeUnit.MINUTES.toNanos(1);
    // Sessions under way end on their own (a silent replica takes SESSION_GIVE_UP); none starts so late
    // that the answer would miss the caller's deadline.
    long startBy = deadlineNanos - Math.min(SESSION_GIVE_UP_NANOS, Math.max(0, deadlineNanos - now) / 2);
    Cluster view = clusters.current();
    CompletableFuture<Cluster> known = req.namespace().isEmpty() || view.namespace(req.namespace()).isPresent()
        ? CompletableFuture.completedFuture(view)
        : clusters.refresh().exceptionally(e -> clusters.current());
    return known.thenCompose(v -> {
      requireEventual(v, req.namespace());
      return run(targets(v, req.namespace()), startBy);
    }).thenApply(MessageCodec::encode);
  }

  private static void requireEventual(Cluster view, String namespace) {
    if (namespace.isEmpty()) {
      return;
    }
    Namespace ns = view.namespace(namespace).orElseThrow(() -> new RpcException(ErrorCode.INVALID_ARGUMENT,
        "namespace '" + namespace + "' does not exist; this cluster has: "
            + view.state().namespaces().stream().map(Namespace::name).toList()));
    if (ns.mode() != NamespaceMode.EVENTUAL) {
      throw new RpcException(ErrorCode.INVALID_ARGUMENT, "namespace '" + ns.name() + "' is strong: every"
          + " write reaches all its replicas before it is acknowledged, so it has nothing to repair; repair"
          + " applies to eventual namespaces");
    }
  }

  private void scheduledRound() {
    try {
      Cluster view = clusters.current();
      long deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(intervalMillis);
      run(targets(view, ""), deadlineNanos).whenComplete((r, e) -> {
        if (e != null || !r.errors().isEmpty()) {
          log.warn("node {}: scheduled repair: {}", nodeId, e != null ? e.toString() : r.errors());
        } else if (r.keysDiffered() > 0) {
          log.info("node {}: scheduled repair: {} sessions, {} keys differed, {} values shipped", nodeId,
              r.sessions(), r.keysDiffered(), r.valuesShipped());
        }
      });
      PartitionMap map = view.map();
      for (Namespace ns : eventualNamespaces(view, "")) {
        for (int p = 0; p < map.partitionCount(); p++) {
          List<String> replicas = replicas(ns, map, p);
          if (replicas.contains(nodeId) && map.set(p).move() == null) {
            loop.purge(ns.storageName(), p, replicas);
          }
        }
      }
    } catch (RuntimeException e) { // a round that fails must not end the schedule
      log.warn("node {}: scheduled repair round failed", nodeId, e);
    }
  }

  /** One session per partition this node replicates and other replica of it. */
  private List<Target> targets(Cluster view, String namespace) {
    PartitionMap map = view.map();
    List<Target> out = new ArrayList<>();
    for (Namespace ns : eventualNamespaces(view, namespace)) {
      for (int p = 0; p < map.partitionCount(); p++) {
        List<String> replicas = replicas(ns, map, p);
        if (replicas.contains(nodeId)) {
          for (String peer : replicas) {
            if (!peer.equals(nodeId)) {
              out.add(new Target(ns.storageName(), p, peer));
            }
          }
        }
      }
    }
    return out;
  }

  private static List<Namespace> eventualNamespaces(Cluster view, String namespace) {
    return view.state().namespaces().stream()
        .filter(ns -> ns.mode() == NamespaceMode.EVENTUAL && (namespace.isEmpty() || ns.name().equals(namespace)))
        .toList();
  }

  /** The replicas writes use: the first N of the partition's (docs/eventual.md §9). */
  private static List<String> replicas(Namespace ns, PartitionMap map, int partition) {
    List<String> all = map.replicas(partition);
    return all.subList(0, Math.min(ns.n(), all.size()));
  }

  /** Runs the sessions; none starts after {@code startByNanos}. */
  private CompletableFuture<RepairResponse> run(List<Target> targets, long startByNanos) {
    Runner r = new Runner(new ArrayDeque<>(targets), startByNanos);
    r.startMore();
    return r.done;
  }

  /** The sessions of one repair, at most {@link #PARALLEL_SESSIONS} under way; its methods hold its lock. */
  private final class Runner {
    final CompletableFuture<RepairResponse> done = new CompletableFuture<>();
    private final ArrayDeque<Target> waiting;
    private final long startByNanos;
    private final List<String> errors = new ArrayList<>();
    private int running;
    private int sessions;
    private long keysDiffered;
    private long valuesShipped;

    Runner(ArrayDeque<Target> waiting, long startByNanos) {
      this.waiting = waiting;
      this.startByNanos = startByNanos;
    }

    synchronized void startMore() {
      if (!waiting.isEmpty() && System.nanoTime() - startByNanos >= 0) {
        errors.add("the deadline came before " + waiting.size() + " sessions started; repair again with a longer"
            + " timeout (dkv repair --timeout SECONDS)");
        waiting.clear();
      }
      while (running < PARALLEL_SESSIONS && !waiting.isEmpty()) {
        Target t = waiting.poll();
        running++;
        loop.submit(h -> new EventualCommand.Repair(h, t.storageName(), t.partition(), t.peer()))
            .whenComplete((result, e) -> ended(t, result, e));
      }
      if (running == 0 && waiting.isEmpty()) {
        done.complete(new RepairResponse(nodeId, sessions, keysDiffered, valuesShipped, errors));
      }
    }

    private synchronized void ended(Target t, EventualResult result, Throwable e) {
      running--;
      switch (result) {
        case EventualResult.Repaired r -> {
          sessions++;
          keysDiffered += r.keysDiffered();
          valuesShipped += r.valuesShipped();
        }
        case EventualResult.RepairFailed f -> errors.add(f.reason());
        case null -> errors.add("the repair of " + Namespace.nameOf(t.storageName()) + " partition " + t.partition()
            + " with " + t.peer() + " failed: " + e.getMessage());
        default -> errors.add("the repair of partition " + t.partition() + " was answered with " + result);
      }
      startMore();
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
