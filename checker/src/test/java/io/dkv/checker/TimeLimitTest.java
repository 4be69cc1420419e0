package io.dkv.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A history the search cannot finish must end as UNKNOWN in about its time limit, not hang. */
class TimeLimitTest {
  private static final int CONCURRENT_WRITES = 60;

  /**
   * Many overlapping writes with unknown outcomes and a read of a value nobody wrote: the search
   * must try every subset of the writes in every order before it may say NOT_LINEARIZABLE, and the
   * cache cannot help, since each subset with its last write is a new configuration.
   */
  private static History adversarial() {
    History.Builder b = History.builder();
    for (int i = 0; i < CONCURRENT_WRITES; i++) {
      b.add(i, "hard", Command.put("v" + i), i, Operation.NEVER_RETURNED, Outcome.UNKNOWN);
    }
    b.add(CONCURRENT_WRITES, "hard", Command.get(), 0, 1_000, new Outcome.Found("never written", 1));
    b.add(0, "easy", Command.put("a"), 0, 1, new Outcome.Written(1));
    b.add(1, "easy", Command.get(), 2, 3, new Outcome.Found("a", 1));
    return b.build();
  }

  @Test
  void hugeAdversarialHistoryReportsUnknownQuickly() {
    Duration limit = Duration.ofMillis(300);
    long start = System.nanoTime();
    CheckResult r = LinearizabilityChecker.check(adversarial(), limit);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(r.verdictOf("hard")).isEqualTo(Verdict.UNKNOWN);
    assertThat(r.verdictOf("easy")).as("other keys are still checked").isEqualTo(Verdict.LINEARIZABLE);
    assertThat(r.overall()).isEqualTo(Verdict.UNKNOWN);
    KeyVerdict hard = r.keys().getFirst();
    assertThat(hard.explanation()).startsWith("time limit of 300 ms reached");
    assertThat(hard.elapsed()).isGreaterThanOrEqualTo(limit);
    // Generous for a loaded 2-core machine; a hang would take practically for ever.
    assertThat(took).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void runningOutOfTimeNeverClaimsAVerdict() {
    AtomicLong nanos = new AtomicLong();
    // Each reading of this clock is a millisecond later than the previous one.
    CheckResult r = LinearizabilityChecker.check(adversarial(), Duration.ofMillis(5),
        () -> nanos.addAndGet(1_000_000));
    assertThat(r.verdictOf("hard")).isEqualTo(Verdict.UNKNOWN);
    assertThat(r.keys().getFirst().unplaced()).isEmpty();
  }
}
