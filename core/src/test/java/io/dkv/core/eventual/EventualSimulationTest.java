package io.dkv.core.eventual;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * The eventual-namespace simulation over many seeds ({@link EventualSim}, invariants in
 * {@link EventualChecker}).
 *
 * <p>Replay one seed: {@code ./mvnw -pl core test -Dtest=EventualSimulationTest -Ddkv.esim.seed=N}.
 * More seeds: {@code -Ddkv.esim.seeds=20000} (default 4000); another range: {@code -Ddkv.esim.firstSeed=M}.
 */
class EventualSimulationTest {
  /** From this many seeds on, the run must also show that the faults it is about happened. */
  private static final long EVIDENCE_SEEDS = 1_000;

  @Test
  void everySeedKeepsTheInvariants() {
    String one = System.getProperty("dkv.esim.seed");
    long start = one != null ? Long.parseLong(one) : Long.getLong("dkv.esim.firstSeed", 1);
    long count = one != null ? 1 : Long.getLong("dkv.esim.seeds", 4_000);
    EventualSimStats total = new EventualSimStats();
    List<String> failures = new ArrayList<>();
    AtomicLong cpuNanos = new AtomicLong();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long t0 = System.nanoTime();
    LongStream.range(start, start + count).parallel().forEach(seed -> {
      long cpu0 = threads.getCurrentThreadCpuTime();
      EventualSim sim = new EventualSim(seed);
      try {
        sim.run();
        sim.stats.runs++;
        synchronized (total) {
          total.add(sim.stats);
        }
      } catch (Throwable t) {
        synchronized (failures) {
          failures.add("seed " + seed + " failed at t=" + sim.now + "ms (" + sim.cfg + "): " + t
              + "\n  replay: ./mvnw -pl core test -Dtest=EventualSimulationTest -Ddkv.esim.seed=" + seed);
        }
        if (one != null) {
          t.printStackTrace();
        }
      }
      cpuNanos.addAndGet(threads.getCurrentThreadCpuTime() - cpu0);
    });
    System.out.println("eventual simulation: " + count + " seeds in " + (System.nanoTime() - t0) / 1_000_000
        + " ms (CPU " + cpuNanos.get() / 1_000_000 + " ms): " + total);
    failures.stream().sorted().limit(20).forEach(System.out::println);
    assertThat(failures).as(failures.size() + " failing seeds, printed above").isEmpty();
    if (count >= EVIDENCE_SEEDS) {
      // Passing proves little unless the faults happened and the checks had something to check.
      assertThat(total.overlappingReadChecks).as("reads checked with R + W > N").isGreaterThan(total.runs);
      assertThat(total.staleReadsWithoutOverlap).as("stale reads with R + W <= N").isPositive();
      assertThat(total.retriesAfterAck).as("retries of acknowledged writes").isPositive();
      assertThat(total.writeRetries).as("retries").isGreaterThan(total.retriesAfterAck);
      assertThat(total.crashesBeforeSync).as("crashes that lost unsynced writes").isPositive();
      assertThat(total.partitions).as("partitions").isPositive();
      assertThat(total.messagesDuplicated).as("duplicated messages").isPositive();
      assertThat(total.refusals).as("writes refused for clock drift").isPositive();
      assertThat(total.repairsSent).as("read repairs").isPositive();
      assertThat(total.writesIncomplete).as("incomplete writes").isPositive();
      assertThat(total.hintsStored).as("hints stored").isGreaterThan(total.runs);
      assertThat(total.hintsDelivered).as("hints delivered").isGreaterThan(total.runs / 2);
      assertThat(total.hintsChecked).as("hints checked at their target").isGreaterThan(total.runs / 2);
      assertThat(total.hintsExpired).as("hints expired").isPositive();
      assertThat(total.hintsRefused).as("hints refused by a full holder").isPositive();
      assertThat(total.treesCompared).as("anti-entropy sessions").isGreaterThan(total.runs);
      assertThat(total.leavesDiffered).as("leaves that differed").isPositive();
      assertThat(total.valuesShipped).as("values shipped by anti-entropy").isPositive();
      assertThat(total.repairsFailed).as("sessions that gave up on a silent replica").isPositive();
      assertThat(total.tombstonesPurged).as("tombstones purged").isPositive();
    }
  }
}
