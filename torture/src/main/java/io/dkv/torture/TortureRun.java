package io.dkv.torture;

import io.dkv.checker.CheckResult;
import io.dkv.checker.History;
import io.dkv.checker.HistoryJson;
import io.dkv.checker.HistoryRecorder;
import io.dkv.checker.LinearizabilityChecker;
import io.dkv.checker.Outcome;
import io.dkv.client.DkvClient;
import io.dkv.client.Routing;
import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
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
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
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
    Files.createDirectories(out);
    FaultSchedule schedule = config.schedule();
    Files.writeString(out.resolve("schedule.txt"), schedule.toText());
    log.info("fault schedule (replay: the same seed, or dkv torture --schedule {}):\n{}",
        out.resolve("schedule.txt"), schedule.toText());
    HistoryRecorder recorder = HistoryRecorder.live();
    LatencyLog latencies = new LatencyLog();
    try (Network network = config.network().create(config.nodes());
         ProcessNemesis processes = new ProcessNemesis(network, out.resolve("logs"))) {
      List<Path> clockOffsets = startServers(network, processes);
      String endpoints = IntStream.range(0, config.nodes())
          .mapToObj(i -> hostPort(network.clientAddress(i))).collect(Collectors.joining(","));
      FaultInjector injector = new FaultInjector(network, processes, clockOffsets);
      long startNanos = System.nanoTime();
      Workload workload = new Workload(config.clients(), config.keys(), config.seed(), i -> client(endpoints),
          recorder, latencies);
      long scheduleOriginNanos;
      try (workload) {
        workload.start();
        scheduleOriginNanos = System.nanoTime();
        new ScheduleRunner(schedule, injector).runToEnd(scheduleOriginNanos);
      } finally {
        injector.healAll();
      }
      long healedNanos = System.nanoTime();
      Liveness liveness;
      Map<String, Outcome> finalReads = new LinkedHashMap<>();
      try (DkvClient checker = client(endpoints)) {
        liveness = new Liveness(checker, workload, network, config.livenessLimit()).await(config.clients());
        for (String key : workload.keys()) {
          finalReads.put(key, workload.record(checker, config.clients(), key, io.dkv.checker.Command.get()));
        }
      }
      List<String> disagreements = ReplicaAgreement.check(network, NAMESPACE, workload.keys());
      Timeline timeline = new Timeline(startNanos, scheduleOriginNanos, healedNanos, System.nanoTime());
      return report(schedule, recorder.history(), finalReads, disagreements, liveness, latencies, timeline);
    }
  }

  private List<Path> startServers(Network network, ProcessNemesis processes) throws IOException {
    List<Path> offsets = new ArrayList<>();
    List<List<String>> commands = new ArrayList<>();
    for (int i = 0; i < config.nodes(); i++) {
      String id = NodeIds.of(i);
      Path offset = out.resolve("clock").resolve(id + ".offset-ms");
      Files.createDirectories(offset.getParent());
      Files.writeString(offset, "0");
      offsets.add(offset);
      List<String> command = new ArrayList<>(config.serverCommand());
      command.addAll(List.of("server", "--node-id", id, "--listen", hostPort(network.listenAddress(i)),
          "--data", out.resolve("data").resolve(id).toString(), "--members", network.membersFlag(i),
          "--voters", network.votersFlag(),
          "--test-clock-offset-file", offset.toString()));
      commands.add(command);
    }
    processes.startAll(commands, "serving on", START_TIMEOUT);
    return offsets;
  }

  /** When the run's phases began, in {@link System#nanoTime()}. */
  private record Timeline(long startNanos, long scheduleOriginNanos, long healedNanos, long endNanos) {
    double seconds(long nanos) {
      return (nanos - startNanos) / 1e9;
    }
  }

  private TortureReport report(FaultSchedule schedule, History history, Map<String, Outcome> finalReads,
                               List<String> disagreements, Liveness liveness, LatencyLog latencies, Timeline timeline)
      throws IOException {
    CheckResult lin = LinearizabilityChecker.check(history, PER_KEY_CHECK_LIMIT);
    List<String> lost = LostWrites.check(history, finalReads);
    List<Availability> availability = Availability.of(schedule, history, timeline.scheduleOriginNanos());
    int answered = (int) history.operations().stream().filter(op -> op.outcome().answered()).count();
    int unknown = (int) history.operations().stream().filter(op -> op.outcome() instanceof Outcome.Unknown).count();
    TortureReport report = new TortureReport(schedule, lin, lost, disagreements, liveness.recovery(), liveness.issue(),
        history.operations().size(), answered, unknown, availability);
    try (Writer w = Files.newBufferedWriter(out.resolve("history.jsonl"))) {
      HistoryJson.write(history, w);
    }
    VerdictsFile.write(lin, availability, out.resolve("verdicts.json"));
    Files.writeString(out.resolve("summary.txt"), report.summary() + "\n");
    List<LatencyChart.Window> shaded = new ArrayList<>();
    double origin = timeline.seconds(timeline.scheduleOriginNanos());
    for (FaultWindow w : schedule.windows()) {
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

  private static DkvClient client(String endpoints) {
    return DkvClient.builder().endpoints(endpoints).routing(Routing.RECURSIVE)
        .requestTimeout(REQUEST_TIMEOUT).build();
  }

  private static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }
}
