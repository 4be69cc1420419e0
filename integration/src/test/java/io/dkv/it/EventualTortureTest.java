package io.dkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.torture.EventualOptions;
import io.dkv.torture.EventualReport;
import io.dkv.torture.EventualTortureRun;
import io.dkv.torture.FaultSchedule;
import io.dkv.torture.NetworkKind;
import io.dkv.torture.RepairStep;
import io.dkv.torture.SideAvailability;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite's eventual case (docs/reliability.md §2.1), one run of about 40 s: an eventual
 * namespace with N = 3, W = 1, R = 1 on 3 real server processes, split n1,n2 | n3 for 12 s under
 * clients pinned to each node. Both sides must keep serving reads and writes, so both take writes
 * of the same keys and the replicas diverge; after healing, hinted handoff and a repair of every
 * node (anti-entropy, as dkv repair asks for it) must bring every replica of
 * every key to the same value within 30 s, keeping every acknowledged write that last writer wins
 * does not replace by a newer one. A failure replays with {@code dkv torture --mode eventual --w 1
 * --r 1 --keys 50 --partitions 32 --schedule DIR/schedule.txt}.
 *
 * <p>The split outlasts down-after (5 s), so the directory evicts n3 from its partitions and gives
 * them back after the heal; the replicas count as converged only once every partition is back to
 * N replicas, which takes most of the convergence time (4 to 8 s measured). 32 partitions rather
 * than 256 keep that short.
 */
class EventualTortureTest {
  private static final int KEYS = 50;
  private static final int PARTITIONS = 32;

  @Test
  void bothSidesOfAPartitionServeAndTheReplicasConvergeAfterHealing(
      @TempDir(cleanup = CleanupMode.ON_SUCCESS) Path out) throws Exception {
    FaultSchedule schedule = FaultSchedule.parse("""
        dkv-fault-schedule seed=21 nodes=3 kinds=partition total=15000ms
        at 2000ms for 12000ms split n1,n2 | n3
        """);
    EventualOptions options = new EventualOptions(3, 1, 1, RepairStep.Kind.ANTI_ENTROPY, Duration.ofSeconds(30));

    EventualReport report = EventualTortureRun.run(
        TortureSuiteTest.config(NetworkKind.AUTO, schedule, KEYS, PARTITIONS, out), options);

    String why = report.summary() + "\nfiles: " + out;
    assertThat(report.converged()).as(why).isTrue();
    assertThat(report.lostWrites()).as(why).isEmpty();
    SideAvailability split = report.availability().getFirst();
    assertThat(split.sides()).as(why).hasSize(2).allSatisfy(side -> {
      assertThat(side.writes().attempted()).as("writes on %s", side.nodes()).isGreaterThan(100);
      assertThat(side.reads().attempted()).as("reads on %s", side.nodes()).isGreaterThan(100);
      assertThat(side.writes().successRatio()).as("writes on %s", side.nodes()).isGreaterThanOrEqualTo(0.9);
      assertThat(side.reads().successRatio()).as("reads on %s", side.nodes()).isGreaterThanOrEqualTo(0.9);
    });
    assertThat(split.keysWrittenOnEverySide()).as("the replicas diverged, so convergence had work: " + why)
        .isGreaterThan(KEYS / 2);
    assertThat(report.passed()).as(why).isTrue();
  }
}
