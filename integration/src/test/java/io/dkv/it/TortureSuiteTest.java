package io.dkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.checker.Command;
import io.dkv.checker.History;
import io.dkv.checker.HistoryJson;
import io.dkv.checker.LinearizabilityChecker;
import io.dkv.checker.Operation;
import io.dkv.checker.Outcome;
import io.dkv.checker.Verdict;
import io.dkv.client.ClusterMember;
import io.dkv.torture.Availability;
import io.dkv.torture.FaultKind;
import io.dkv.torture.FaultSchedule;
import io.dkv.torture.MembershipChange;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The bounded fault-injection suite every CI run goes through (about 4 minutes): two generated
 * cases (a partition-only seed, 11, a delay-and-skew one, 13, and a kill-and-pause one, 12, were
 * taken out to keep {@code ./dkv test} well under 15 minutes: the all-kinds seed, the proxies seed,
 * the failover cases and the membership case cover those faults), two failover cases and one
 * membership case: real server processes, real network faults (network namespaces and
 * nftables as root, loopback proxies otherwise; one case always on the proxies, so the fallback is
 * exercised too), joins and removals, a recorded history, and the three checks. The generated cases
 * are each a fixed seed, so a failure replays with {@code dkv torture --seed S --faults F --minutes
 * 0.4}; the failover and membership cases are a fixed schedule, which a failure replays with
 * {@code dkv torture --schedule DIR/schedule.txt --keys 200} (the membership cases add {@code
 * --partitions 64}). {@code dkv torture} runs longer soaks.
 */
class TortureSuiteTest {
  private static final Duration FAULT_TIME = Duration.ofSeconds(24);
  private static final int CLIENTS = 6;
  /** Few keys and many writers: lock conflicts and concurrent operations on one key all the time. */
  private static final int HOT_KEYS = 6;
  /** Mostly independent transactions, as in the many-key soak. */
  private static final int MANY_KEYS = 200;
  /**
   * Q for the membership cases: a join or removal promotes and releases each moved partition with a
   * directory command of its own, one after the other, so its time grows with Q (docs/reliability.md
   * §3). 64 keeps the cases in the suite's time budget; with 200 keys nearly every partition that
   * moves holds some.
   */
  private static final int MOVING_PARTITIONS = 64;

  @ParameterizedTest(name = "{1} on {0} network (seed {2})")
  @CsvSource(delimiter = ';', value = {
      "auto; partition,kill,pause,delay,skew; 14",
      "proxies; partition,kill,delay; 15"})
  void safetyHoldsAndTheClusterRecoversAfterHealing(String network, String faults, long seed, @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path out)
      throws Exception {
    Set<FaultKind> kinds = Arrays.stream(faults.split(",")).map(FaultKind::parse).collect(Collectors.toSet());
    FaultSchedule schedule = FaultSchedule.generate(seed, 3, kinds, FAULT_TIME.toMillis());

    TortureReport report = TortureRun.run(config(NetworkKind.parse(network), schedule, HOT_KEYS, out));

    assertThat(report.schedule().windows()).as("the schedule injects faults").isNotEmpty();
    assertSafeAndLive(report, out);
  }

  /**
   * One node killed, or cut off from the other two, for much longer than down-after (5 s): the
   * directory's leader marks it down and evicts it from its partitions, and strong writes must go
   * on with the two replicas left until the window ends. Availability is measured over every client
   * and key ({@link Availability}), on 200 keys rather than 6: a write in doubt when the fault began
   * keeps its key locked until the node is back, and on 6 keys the locked ones hold every client in
   * 5 s timeouts, so the run would measure that documented limitation instead of failover.
   *
   * <p>The bounds come from runs of these two cases (docs/reliability.md §1). When the faulty node
   * follows in the directory's Raft group, failover (mark down, then evict) ends 5.4 to 6 s into
   * the window and the longest gap is 4.9 to 6.1 s. Killing or cutting off the leader adds an
   * election and a full down-after from it (gaps of 9.4 to 10.9 s). Which node leads is down to
   * the first election, so each case allows the slower regime with about 4 s to spare (14 s for a
   * kill, 15 s for an isolation), and the windows are long
   * enough to see writes after failover either way. After failover a client may still wait out its
   * 5 s request timeout on a key locked by a write in doubt, sometimes all six at once (gaps of up
   * to 4.2 s measured after failover), so an acknowledged write is required in the window's last
   * 6 s rather than in its last moments.
   */
  @ParameterizedTest(name = "{0} for {3} ms: strong writes resume after failover")
  @CsvSource(delimiter = ';', value = {
      "kill n3; kill; 16; 18000; 14000",
      "isolate n2; partition; 17; 25000; 15000"})
  void strongWritesResumeWhileOneNodeIsDown(String fault, String kind, long seed, long windowMillis,
                                            long longestGapMillis, @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path out) throws Exception {
    // The text of a run's schedule.txt, so that a failure replays with dkv torture --schedule.
    FaultSchedule schedule = FaultSchedule.parse(String.format("""
        dkv-fault-schedule seed=%d nodes=3 kinds=%s total=%dms
        at 2000ms for %dms %s
        """, seed, kind, windowMillis + 3_000, windowMillis, fault));

    TortureReport report = TortureRun.run(config(NetworkKind.AUTO, schedule, MANY_KEYS, out));

    assertSafeAndLive(report, out);
    Availability window = report.availability().getFirst();
    assertThat(window.longestGapMillis()).as(why(report, out)).isLessThan(longestGapMillis);
    assertThat(window.acknowledgedInLast(Duration.ofSeconds(6))).as(why(report, out)).isTrue();
  }

  /**
   * A fourth node joins the 3-node cluster under the write load, and is removed once it holds its
   * share, while a founder is killed with -9 as partitions move to the newcomer and restarted 8 s
   * later (the same without the kill, docs/reliability.md §3, is not in the suite to keep it short:
   * replay it with dkv torture --schedule): the join stalls (a move needs every participant, and a copy a live replica), the
   * killed node is evicted and gets its partitions back after its restart, and the join finishes
   * once every member holds its share again. Beginning the join waits until n4 serves (3 to 12 s
   * on the shared machine); the kill is due 6 s after the join began, so it comes while partitions
   * move to n4, or at once when n4 serves if starting it took longer.
   */
  @Test
  void aNodeJoinsWhileAFounderIsKilledAndIsRemovedUnderLoad(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path out) throws Exception {
    assertJoinedAndRemoved(FaultSchedule.parse("""
        dkv-fault-schedule seed=19 nodes=4 joiners=1 kinds=join,remove,kill total=17000ms
        at 1000ms for 15000ms join n4
        at 7000ms for 8000ms kill n3
        at 16000ms for 1000ms remove n4
        """), out);
  }

  /**
   * Safety and liveness as for every case, both changes finished, n4 up with its share (a quarter
   * of the 192 replica slots) when its join finished and removed at the end, the founders back to
   * every partition.
   */
  private static void assertJoinedAndRemoved(FaultSchedule schedule, Path out) throws Exception {
    TortureReport report = TortureRun.run(config(NetworkKind.AUTO, schedule, MANY_KEYS, MOVING_PARTITIONS, out));

    assertSafeAndLive(report, out);
    String why = why(report, out);
    assertThat(report.membershipChanges()).as(why).hasSize(2).allMatch(MembershipChange::finished);
    assertThat(report.membershipChanges().getFirst().outcome()).as(why).startsWith("up with 48 of 192 replica slots");
    assertThat(report.finalMember("n4")).as(why)
        .hasValueSatisfying(n4 -> assertThat(n4.state()).isEqualTo(ClusterMember.State.REMOVED));
    for (String founder : List.of("n1", "n2", "n3")) {
      assertThat(report.finalMember(founder)).as(why).hasValueSatisfying(m -> {
        assertThat(m.state()).isEqualTo(ClusterMember.State.UP);
        assertThat(m.partitions()).isEqualTo(MOVING_PARTITIONS);
      });
    }
  }

  private static TortureConfig config(NetworkKind network, FaultSchedule schedule, int keys, Path out) {
    return config(network, schedule, keys, TortureConfig.DEFAULT_PARTITIONS, out);
  }

  /** A run of the suite's clients on a 3-node cluster of real server processes; the eventual case uses it too. */
  static TortureConfig config(NetworkKind network, FaultSchedule schedule, int keys, int partitions, Path out) {
    return new TortureConfig(
        List.of(Cli.java(), "-Xmx512m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
            "-cp", ProcessCluster.jar().toAbsolutePath().toString(), "io.dkv.cli.Main"),
        network, schedule, CLIENTS, keys, partitions, out, Duration.ofSeconds(60));
  }

  /** The three checks and liveness, and that the checker would have caught a stale read in this very history. */
  private static void assertSafeAndLive(TortureReport report, Path out) throws Exception {
    String why = why(report, out);
    assertThat(report.answered()).as("clients got answers").isGreaterThan(50);
    assertThat(report.linearizability().overall()).as(why).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(report.lostWrites()).as(why).isEmpty();
    assertThat(report.replicaDisagreements()).as(why).isEmpty();
    assertThat(report.livenessIssue()).as(why).isNull();
    assertThat(out.resolve("latency.svg")).isNotEmptyFile();
    History recorded;
    try (var in = Files.newBufferedReader(out.resolve("history.jsonl"))) {
      recorded = HistoryJson.read(in);
    }
    assertThat(LinearizabilityChecker.check(withStaleRead(recorded), Duration.ofSeconds(20)).overall())
        .as("the same real history with one stale read injected is caught")
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  /** The run's summary and where its files are: a failed case keeps them (history, logs, chart). */
  private static String why(TortureReport report, Path out) {
    return report.summary() + "\nfiles: " + out;
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
