package io.dkv.torture;

import io.dkv.client.DkvClient;
import io.dkv.client.NamespaceSettings;
import io.dkv.client.Routing;
import io.dkv.protocol.QuorumLevel;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A torture run of an eventual namespace (docs/reliability.md §2.1): the cluster of
 * {@link TortureCluster}, a namespace with the run's N, W and R, pinned clients on every node
 * ({@link EventualWorkload}) while the schedule plays, then healing, the {@link RepairStep} and the
 * wait for every replica to agree ({@link Convergence}), and the lost-write check
 * ({@link EventualLostWrites}). It measures what each side of a fault served ({@link SideAvailability}).
 * Joins and removals are refused: the pinned clients and the convergence check assume a fixed set of nodes.
 */
public final class EventualTortureRun {
  private static final Logger log = LoggerFactory.getLogger(EventualTortureRun.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final long POLL_MILLIS = 200;

  private final TortureConfig config;
  private final EventualOptions options;

  private EventualTortureRun(TortureConfig config, EventualOptions options) {
    this.config = config;
    this.options = options;
  }

  /** @throws IllegalArgumentException when the run cannot take this schedule (see {@link #requireSupported}) */
  public static EventualReport run(TortureConfig config, EventualOptions options)
      throws IOException, InterruptedException {
    requireSupported(config.schedule(), config.clients(), options);
    try (TortureCluster cluster = TortureCluster.start(config)) {
      return new EventualTortureRun(config, options).runOn(cluster);
    }
  }

  /**
   * Refuses, saying why, a schedule with joins or removals (the run's clients and convergence check
   * assume a fixed set of nodes), an N above the node count, and fewer clients than nodes (each
   * node needs its own).
   */
  public static void requireSupported(FaultSchedule schedule, int clients, EventualOptions options) {
    if (schedule.joiners() > 0 || schedule.kinds().stream().anyMatch(k -> k == FaultKind.JOIN || k == FaultKind.REMOVE)) {
      throw new IllegalArgumentException("an eventual run takes no join or remove faults: its pinned clients and its"
          + " convergence check assume a fixed set of nodes; allowed: partition, kill, pause, delay, skew");
    }
    if (options.n() > schedule.founders()) {
      throw new IllegalArgumentException("N = " + options.n() + " needs at least as many nodes; the run has "
          + schedule.founders());
    }
    if (clients < schedule.founders()) {
      throw new IllegalArgumentException("an eventual run pins clients to every node, so it needs at least as many"
          + " clients as nodes: " + clients + " clients for " + schedule.founders() + " nodes");
    }
  }

  private EventualReport runOn(TortureCluster cluster) throws IOException, InterruptedException {
    List<Integer> members = cluster.membership.members();
    createNamespace(cluster, members);
    EventualWorkload workload = new EventualWorkload(config.clients(), config.keys(), members.size(), config.seed(),
        options, node -> client(endpoints(cluster, List.of(node))));
    ScheduleRunner runner = new ScheduleRunner(config.schedule(), cluster.injector);
    long originNanos;
    try (workload) {
      workload.start();
      originNanos = System.nanoTime();
      runner.runToEnd(originNanos);
    } finally {
      cluster.injector.healAll();
    }
    long healedNanos = System.nanoTime();
    Convergence.Result convergence;
    String repairDone;
    try (RepairStep repair = options.repair().create(() -> client(endpoints(cluster, members)),
        members.stream().map(cluster.network::clientAddress).toList())) {
      convergence = new Convergence(cluster.views, cluster.network, members, options.n())
          .await(workload.keys(), repair, healedNanos, options.convergenceLimit());
      repairDone = repair.describe();
    }
    List<EventualOp> ops = workload.operations();
    EventualReport report = new EventualReport(config.schedule(), options, ops.size(),
        (int) ops.stream().filter(op -> op.result().succeeded()).count(),
        SideAvailability.of(runner.played(), ops, originNanos, members.size()), repairDone, convergence,
        EventualLostWrites.check(ops, workload.keys(), convergence::agreed));
    EventualFiles.write(report, ops, config.outDir());
    log.info("eventual torture run done, files in {}:\n{}", config.outDir(), report.summary());
    return report;
  }

  /**
   * Creates the namespace and waits until every member serves it: each learns it from the directory
   * by itself, and a client pinned to a node that has not would see its requests refused.
   */
  private void createNamespace(TortureCluster cluster, List<Integer> members) throws InterruptedException {
    try (DkvClient admin = client(endpoints(cluster, members))) {
      admin.createNamespace(NamespaceSettings.eventual(EventualOptions.NAMESPACE, options.n(), options.w(),
          options.r()));
    }
    long deadline = System.nanoTime() + config.livenessLimit().toNanos();
    for (int node : members) {
      try (DkvClient pinned = client(endpoints(cluster, List.of(node)))) {
        while (!serves(pinned)) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException(NodeIds.of(node) + " did not serve namespace " + EventualOptions.NAMESPACE
                + " within " + config.livenessLimit().toSeconds() + " s of its creation");
          }
          TimeUnit.MILLISECONDS.sleep(POLL_MILLIS); // the node polls the directory: nothing to wait on
        }
      }
    }
  }

  private static boolean serves(DkvClient pinned) {
    try {
      pinned.get("k0", QuorumLevel.ONE);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static String endpoints(TortureCluster cluster, List<Integer> nodes) {
    return nodes.stream().map(n -> ServerCommands.hostPort(cluster.network.clientAddress(n)))
        .collect(Collectors.joining(","));
  }

  private static DkvClient client(String endpoints) {
    return DkvClient.builder().endpoints(endpoints).namespace(EventualOptions.NAMESPACE).routing(Routing.RECURSIVE)
        .requestTimeout(REQUEST_TIMEOUT).build();
  }
}
