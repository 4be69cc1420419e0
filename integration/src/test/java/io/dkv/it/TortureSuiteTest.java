package io.dkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.checker.Verdict;
import io.dkv.torture.FaultKind;
import io.dkv.torture.TortureConfig;
import io.dkv.torture.TortureReport;
import io.dkv.torture.TortureRun;
import java.nio.file.Path;
import java.time.Duration;
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
 * otherwise), a recorded history, and the three checks. Each case is a fixed seed, so a failure
 * replays with {@code dkv torture --seed S --faults F --minutes 0.4}; `dkv torture` runs longer soaks.
 */
class TortureSuiteTest {
  private static final Duration FAULT_TIME = Duration.ofSeconds(24);

  @ParameterizedTest(name = "{0} (seed {1})")
  @CsvSource(delimiter = ';', value = {
      "partition; 11",
      "kill,pause; 12",
      "delay,skew; 13",
      "partition,kill,pause,delay,skew; 14"})
  void safetyHoldsAndTheClusterRecoversAfterHealing(String faults, long seed, @TempDir Path out) throws Exception {
    Set<FaultKind> kinds = Arrays.stream(faults.split(",")).map(FaultKind::parse).collect(Collectors.toSet());
    TortureConfig config = new TortureConfig(
        List.of(Cli.java(), "-Xmx512m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
            "-cp", ProcessCluster.jar().toAbsolutePath().toString(), "io.dkv.cli.Main"),
        3, 6, 6, FAULT_TIME, kinds, seed, out, Duration.ofSeconds(60));

    TortureReport report = TortureRun.run(config);

    assertThat(report.schedule().windows()).as("the schedule injects faults").isNotEmpty();
    assertThat(report.answered()).as("clients got answers").isGreaterThan(50);
    assertThat(report.linearizability().overall()).as(report.summary()).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(report.lostWrites()).as(report.summary()).isEmpty();
    assertThat(report.livenessIssue()).as(report.summary()).isNull();
    assertThat(out.resolve("history.jsonl")).isNotEmptyFile();
    assertThat(out.resolve("latency.svg")).isNotEmptyFile();
  }
}
