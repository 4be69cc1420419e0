package io.dkv.cli;

import io.dkv.torture.EventualOptions;
import io.dkv.torture.EventualReport;
import io.dkv.torture.EventualTortureRun;
import io.dkv.torture.FaultKind;
import io.dkv.torture.FaultSchedule;
import io.dkv.torture.NetworkKind;
import io.dkv.torture.RepairStep;
import io.dkv.torture.TortureConfig;
import io.dkv.torture.TortureReport;
import io.dkv.torture.TortureRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "torture", description = {
    "Runs dkv servers under injected faults while clients record a history, then checks it:",
    "linearizability per key, no lost acknowledged write, identical replicas, liveness after healing.",
    "Joins and removals run under the same load; each must finish, and the report says how long it took.",
    "As root the nodes run in network namespaces with nftables faults; otherwise behind loopback proxies.",
    "--mode eventual runs an eventual namespace instead: clients pinned to each node report what each side of a",
    "fault served; after healing the replicas must agree within --convergence-seconds and keep every acknowledged write.",
    "Exit code 0: every check passed; 1: a check failed (see DIR/summary.txt); 3: the cluster could not run."})
final class TortureCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--minutes", paramLabel = "M", defaultValue = "1",
      description = "How long faults are injected (decimals allowed; default ${DEFAULT-VALUE}).")
  double minutes;

  @Option(names = "--faults", paramLabel = "KIND,...", defaultValue = "partition,kill,pause,delay,skew", split = ",",
      description = "Fault kinds to draw from: partition, kill, pause, delay, skew, join, remove (default the first"
          + " five). join adds a node slot beyond --nodes that joins the cluster; remove drains a node that is not a"
          + " directory voter.")
  String[] faults;

  @Option(names = "--seed", paramLabel = "S", description = "Seed of the fault schedule and the workload (default: random, printed).")
  Long seed;

  @Option(names = "--out", paramLabel = "DIR", description = "Where to write the schedule, history, verdicts, chart and logs (default torture-out/<time>).")
  Path out;

  @Option(names = "--schedule", paramLabel = "FILE",
      description = "Replay this schedule (a schedule.txt of an earlier run); it sets the nodes, seed, faults and length.")
  Path schedule;

  @Option(names = "--network", paramLabel = "auto|namespaces|proxies", defaultValue = "auto",
      description = "namespaces: network namespaces and nftables (root only); proxies: loopback proxies; "
          + "auto: namespaces when root (default ${DEFAULT-VALUE}).")
  String network;

  @Option(names = "--nodes", defaultValue = "3", description = "Server processes that found the cluster (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--clients", defaultValue = "6", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--keys", defaultValue = "6", description = "Keys they share; few keys make conflicts common (default ${DEFAULT-VALUE}).")
  int keys;

  @Option(names = "--partitions", paramLabel = "Q", defaultValue = "256",
      description = "The cluster's partition count; a join or removal moves about Q x 3 / nodes of them (default ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--liveness-seconds", defaultValue = "60",
      description = "After healing, how long every key gets to become readable and writable, every lock to go and every join"
          + " and removal to finish (default ${DEFAULT-VALUE}).")
  int livenessSeconds;

  @Option(names = "--mode", paramLabel = "strong|eventual", defaultValue = "strong",
      description = "The namespace the clients use: the strong default one, or an eventual one the run creates"
          + " (default ${DEFAULT-VALUE}).")
  String mode;

  @Option(names = "--n", defaultValue = "3", description = "Eventual mode: the namespace's N (default ${DEFAULT-VALUE}).")
  int n;

  @Option(names = "--w", description = "Eventual mode: W, on every write (default a majority of N).")
  Integer w;

  @Option(names = "--r", description = "Eventual mode: R, on every read (default a majority of N).")
  Integer r;

  @Option(names = "--repair", paramLabel = "anti-entropy|read-repair|scheduled", defaultValue = "anti-entropy",
      description = "Eventual mode: after healing, anti-entropy asks every node to repair now (as dkv repair does);"
          + " read-repair reads every key whose replicas disagree with R = all (its read repair fixes them);"
          + " scheduled triggers nothing and waits for the cluster's own repair (default ${DEFAULT-VALUE}).")
  String repair;

  @Option(names = "--convergence-seconds", defaultValue = "30",
      description = "Eventual mode: how long after healing every replica of every key gets to agree (default"
          + " ${DEFAULT-VALUE}).")
  int convergenceSeconds;

  @Override
  public Integer call() throws Exception {
    TortureConfig config = config();
    EventualOptions eventual = eventualOptions(config.schedule());
    int joiners = config.schedule().joiners();
    System.out.println("dkv torture: seed " + config.seed() + ", " + config.nodes() + " nodes"
        + (joiners > 0 ? " (" + joiners + " joining later)" : "") + " on "
        + network + " network, faults " + config.schedule().kinds() + " for "
        + config.schedule().totalMillis() / 1000 + " s; files in " + config.outDir());
    String summary;
    boolean passed;
    try {
      if (eventual == null) {
        TortureReport report = TortureRun.run(config);
        summary = report.summary();
        passed = report.passed();
      } else {
        EventualReport report = EventualTortureRun.run(config, eventual);
        summary = report.summary();
        passed = report.passed();
      }
    } catch (IllegalStateException | java.io.IOException e) {
      System.err.println("dkv torture: the run could not complete: " + e.getMessage());
      return Main.UNAVAILABLE;
    }
    System.out.println(summary);
    return passed ? Main.OK : Main.CHECK_FAILED;
  }

  /** The eventual run's settings, or null for the strong mode. */
  private EventualOptions eventualOptions(FaultSchedule plan) {
    if (mode.equals("strong")) {
      return null;
    }
    if (!mode.equals("eventual")) {
      throw new ParameterException(spec.commandLine(), "--mode must be strong or eventual, got '" + mode + "'");
    }
    int majority = n / 2 + 1;
    try {
      EventualOptions options = new EventualOptions(n, w != null ? w : majority, r != null ? r : majority,
          RepairStep.Kind.parse(repair), Duration.ofSeconds(convergenceSeconds));
      EventualTortureRun.requireSupported(plan, clients, options);
      return options;
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private String readSchedule() {
    try {
      return Files.readString(schedule);
    } catch (java.io.IOException e) {
      throw new ParameterException(spec.commandLine(), "--schedule: cannot read " + schedule + ": " + e);
    }
  }

  private TortureConfig config() throws java.io.IOException {
    if (!(minutes > 0) || minutes > 7 * 24 * 60) {
      throw new ParameterException(spec.commandLine(), "--minutes must be more than 0 and at most a week, got " + minutes);
    }
    Set<FaultKind> kinds = new LinkedHashSet<>();
    try {
      Arrays.stream(faults).map(String::trim).filter(s -> !s.isEmpty()).map(FaultKind::parse).forEach(kinds::add);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), "--faults: " + e.getMessage());
    }
    long s = seed != null ? seed : ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
    Path dir = out != null ? out
        : Path.of("torture-out", LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
    try {
      FaultSchedule plan = schedule != null ? FaultSchedule.parse(readSchedule())
          : FaultSchedule.generate(s, nodes, kinds, Math.round(minutes * 60_000));
      return new TortureConfig(DevCommand.javaCommand(), NetworkKind.parse(network), plan, clients, keys, partitions,
          dir.toAbsolutePath(), Duration.ofSeconds(livenessSeconds));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
