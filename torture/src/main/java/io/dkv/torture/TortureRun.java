package io.dkv.torture;

import io.dkv.checker.CheckResult;
import io.dkv.checker.History;
import io.dkv.checker.HistoryJson;
import io.dkv.checker.HistoryRecorder;
import io.dkv.checker.LinearizabilityChecker;
import io.dkv.checker.Outcome;
import io.dkv.client.ClusterMember;
import io.dkv.client.DkvClient;
import io.dkv.client.Routing;
import io.dkv.protocol.ClientMessage.ClusterStatusResponse;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole torture run: real {@code dkv server} processes in a {@link Network}, clients recording a
 * history while a seeded {@link FaultSchedule} injects faults, then healing, the liveness check,
 * a final read of every key, the linearizability, lost-write and replica-agreement checks, and the files a person
 * needs to understand the run: {@code schedule.txt} (replayable with the same seed),
 * {@code history.jsonl}, {@code verdicts.json} (with the write availability of each fault window),
 * {@code summary.txt}, {@code latency.svg} and the servers' logs.
 */
public final class TortureRun {
  private static final Logger log = LoggerFactory.getLogger(TortureRun.class);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration PER_KEY_CHECK_LIMIT = Duration.ofSeconds(20);
  /** The namespace the clients use: the strong namespace every cluster has. */
  private static final String NAMESPACE = "default";

  private final TortureConfig config;
  private final Path out;

  private TortureRun(TortureConfig config) {
    this.config = config;
    this.out = config.outDir();
  }

  public static TortureReport run(TortureConfig config) throws IOException, InterruptedException {
    return new TortureRun(config).run();
  }

  private TortureReport run() throws IOException, InterruptedException {
    HistoryRecorder recorder = HistoryRecorder.live();
    LatencyLog latencies = new LatencyLog();
    try (TortureCluster cluster = TortureCluster.start(config)) {
      return runOn(cluster, recorder, latencies);
    }
  }

  private TortureReport runOn(TortureCluster cluster, HistoryRecorder recorder, LatencyLog latencies)
      throws IOException, InterruptedException {
    FaultSchedule schedule = config.schedule();
    Network network = cluster.network;
    NodeViews views = cluster.views;
    MembershipChanges membership = cluster.membership;
    FaultInjector injector = cluster.injector;
    // Every node slot, so that clients use a joined node as a coordinator too; a slot with no
    // running node refuses the connection, and the client tries the next.
    String endpoints = cluster.allEndpoints();
    long startNanos = System.nanoTime();
    Workload workload = new Workload(config.clients(), config.keys(), config.seed(), i -> client(endpoints),
        recorder, latencies);
    ScheduleRunner runner = new ScheduleRunner(schedule, injector);
    long scheduleOriginNanos;
    try (workload) {
      workload.start();
      scheduleOriginNanos = System.nanoTime();
      runner.runToEnd(scheduleOriginNanos);
    } finally {
      injector.healAll();
    }
    long healedNanos = System.nanoTime();
    Liveness liveness;
    Map<String, Outcome> finalReads = new LinkedHashMap<>();
    try (DkvClient checker = client(endpoints)) {
      liveness = new Liveness(checker, workload, network, membership, config.livenessLimit()).await(config.clients());
      for (String key : workload.keys()) {
        finalReads.put(key, workload.record(checker, config.clients(), key, io.dkv.checker.Command.get()));
      }
    }
    List<String> disagreements = ReplicaAgreement.check(views, network, membership.members(), NAMESPACE,
        workload.keys(), config.livenessLimit());
    List<ClusterMember> finalMembers = views.freshestStatus(membership.members())
        .map(TortureRun::clusterMembers).orElse(List.of());
    Timeline timeline = new Timeline(startNanos, scheduleOriginNanos, healedNanos, System.nanoTime());
    List<MembershipChange> changes = membership.changes(scheduleOriginNanos);
    return report(schedule, recorder.history(), finalReads, disagreements, liveness, changes,
        measuredWindows(runner.played(), changes), finalMembers, latencies, timeline);
  }

  private static List<ClusterMember> clusterMembers(ClusterStatusResponse status) {
    return status.members().stream().map(m -> new ClusterMember(m.nodeId(), m.address(),
        ClusterMember.State.valueOf(m.state().name()), m.partitions(), m.voter())).toList();
  }

  /** When the run's phases began, in {@link System#nanoTime()}. */
  private record Timeline(long startNanos, long scheduleOriginNanos, long healedNanos, long endNanos) {
    double seconds(long nanos) {
      return (nanos - startNanos) / 1e9;
    }
  }

  private TortureReport report(FaultSchedule schedule, History history, Map<String, Outcome> finalReads,
                               List<String> disagreements, Liveness liveness, List<MembershipChange> changes,
                               List<FaultWindow> measured, List<ClusterMember> finalMembers, LatencyLog latencies,
                               Timeline timeline) throws IOException {
    CheckResult lin = LinearizabilityChecker.check(history, PER_KEY_CHECK_LIMIT);
    List<String> lost = LostWrites.check(history, finalReads);
    List<Availability> availability = Availability.of(measured, history, timeline.scheduleOriginNanos());
    int answered = (int) history.operations().stream().filter(op -> op.outcome().answered()).count();
    int unknown = (int) history.operations().stream().filter(op -> op.outcome() instanceof Outcome.Unknown).count();
    TortureReport report = new TortureReport(schedule, lin, lost, disagreements, liveness.recovery(), liveness.issue(),
        history.operations().size(), answered, unknown, availability, changes, finalMembers);
    try (Writer w = Files.newBufferedWriter(out.resolve("history.jsonl"))) {
      HistoryJson.write(history, w);
    }
    VerdictsFile.write(lin, availability, changes, out.resolve("verdicts.json"));
    Files.writeString(out.resolve("summary.txt"), report.summary() + "\n");
    List<LatencyChart.Window> shaded = new ArrayList<>();
    double origin = timeline.seconds(timeline.scheduleOriginNanos());
    for (FaultWindow w : measured) {
      shaded.add(new LatencyChart.Window(origin + w.startMillis() / 1e3, origin + w.endMillis() / 1e3,
          w.fault().kind().text(), FaultText.format(w.fault())));
    }
    double seconds = timeline.seconds(timeline.endNanos());
    shaded.add(new LatencyChart.Window(timeline.seconds(timeline.healedNanos()), seconds, LatencyChart.HEALED,
        "healed: liveness check, final reads"));
    Files.writeString(out.resolve("latency.svg"), LatencyChart.svg("dkv torture, seed " + schedule.seed()
        + ", faults " + schedule.kinds(), timeline.startNanos(), seconds, latencies.samples(), shaded));
    log.info("torture run done, files in {}:\n{}", out, report.summary());
    return report;
  }

  /**
   * The windows as played, and a membership change's from when it began until it ended
   * ({@link MembershipChange#measuredWindow}): what write availability is measured over.
   */
  private List<FaultWindow> measuredWindows(List<FaultWindow> played, List<MembershipChange> changes) {
    List<FaultWindow> scheduled = config.schedule().windows();
    List<FaultWindow> measured = new ArrayList<>();
    for (int i = 0; i < played.size(); i++) {
      FaultWindow w = scheduled.get(i);
      measured.add(changes.stream().filter(c -> c.window().equals(w)).findFirst()
          .flatMap(MembershipChange::measuredWindow).orElse(played.get(i)));
    }
    return measured;
  }

  private static DkvClient client(String endpoints) {
    return DkvClient.builder().endpoints(endpoints).routing(Routing.RECURSIVE)
        .requestTimeout(REQUEST_TIMEOUT).build();
  }
}
