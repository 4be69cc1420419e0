package io.dkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.checker.Command;
import io.dkv.checker.History;
import io.dkv.checker.HistoryJson;
import io.dkv.checker.LinearizabilityChecker;
import io.dkv.checker.Operation;
import io.dkv.checker.Outcome;
import io.dkv.checker.Verdict;
import io.dkv.torture.FaultKind;
import io.dkv.torture.FaultSchedule;
import io.dkv.torture.NetworkKind;
import io.dkv.torture.TortureConfig;
import io.dkv.torture.TortureReport;
import io.dkv.torture.TortureRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bounded fault-injection suite every CI run goes through (about 3 minutes): real server
 * processes, real network faults (network namespaces and nftables as root, loopback proxies
 * otherwise; one case always on the proxies, so the fallback is exercised too), a recorded history, and the three checks. Each case is a fixed seed, so a failure
 * replays with {@code dkv torture --seed S --faults F --minutes 0.4}; `dkv torture` runs longer soaks.
 */
class TortureSuiteTest {
  private static final Duration FAULT_TIME = Duration.ofSeconds(24);

  @ParameterizedTest(name = "{1} on {0} network (seed {2})")
  @CsvSource(delimiter = ';', value = {
      "auto; partition; 11",
      "auto; kill,pause; 12",
      "auto; delay,skew; 13",
      "auto; partition,kill,pause,delay,skew; 14",
      "proxies; partition,kill,delay; 15"})
  void safetyHoldsAndTheClusterRecoversAfterHealing(String network, String faults, long seed, @TempDir Path out)
      throws Exception {
    Set<FaultKind> kinds = Arrays.stream(faults.split(",")).map(FaultKind::parse).collect(Collectors.toSet());
    TortureConfig config = new TortureConfig(
        List.of(Cli.java(), "-Xmx512m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
            "-cp", ProcessCluster.jar().toAbsolutePath().toString(), "io.dkv.cli.Main"),
        NetworkKind.parse(network), FaultSchedule.generate(seed, 3, kinds, FAULT_TIME.toMillis()), 6, 6, out,
        Duration.ofSeconds(60));

    TortureReport report = TortureRun.run(config);

    assertThat(report.schedule().windows()).as("the schedule injects faults").isNotEmpty();
    assertThat(report.answered()).as("clients got answers").isGreaterThan(50);
    assertThat(report.linearizability().overall()).as(report.summary()).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(report.lostWrites()).as(report.summary()).isEmpty();
    assertThat(report.replicaDisagreements()).as(report.summary()).isEmpty();
    assertThat(report.livenessIssue()).as(report.summary()).isNull();
    assertThat(out.resolve("latency.svg")).isNotEmptyFile();
    History recorded;
    try (var in = Files.newBufferedReader(out.resolve("history.jsonl"))) {
      recorded = HistoryJson.read(in);
    }
    assertThat(LinearizabilityChecker.check(withStaleRead(recorded), Duration.ofSeconds(20)).overall())
        .as("the same real history with one stale read injected is caught")
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  /**
   * The history plus one read that returns a write's value after a later write of the same key
   * had completed: the stale read a broken replica would serve.
   */
  private static History withStaleRead(History h) {
    List<Operation> ops = new ArrayList<>(h.operations());
    for (List<Operation> key : h.byKey().values()) {
      for (Operation older : key) {
        if (!(older.outcome() instanceof Outcome.Written w) || older.command().value() == null) {
          continue;
        }
        for (Operation newer : key) {
          if (newer.outcome() instanceof Outcome.Written later && later.version() > w.version()
              && newer.invokedAt() > older.completedAt() && newer.completedAt() != Operation.NEVER_RETURNED) {
            long at = newer.completedAt() + 1;
            ops.add(new Operation(ops.size(), 999, older.key(), Command.get(), at, at + 1,
                new Outcome.Found(older.command().value(), w.version())));
            return History.of(ops);
          }
        }
      }
    }
    throw new AssertionError("the run has no two successive acknowledged writes of one key to build a stale read from");
  }
}
