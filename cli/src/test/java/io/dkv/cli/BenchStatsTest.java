package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BenchStatsTest {
  /** An operation that takes at least {@code micros} and then throws. */
  private static Runnable failsAfter(long micros, RuntimeException e) {
    return () -> {
      long until = System.nanoTime() + micros * 1000;
      while (System.nanoTime() < until) {
        Thread.onSpinWait();
      }
      throw e;
    };
  }

  @Test
  void aFailedOperationIsTimedAndReportedAndDoesNotEscape() {
    BenchStats stats = new BenchStats();
    stats.time(failsAfter(2_000, new IllegalStateException("boom")));
    stats.roll();
    assertThat(stats.failedTotal().getTotalCount()).isEqualTo(1);
    assertThat(stats.failedTotal().getMaxValue()).isGreaterThanOrEqualTo(2_000);
    assertThat(stats.okTotal().getTotalCount()).isZero();
    assertThat(stats.firstError()).isEqualTo("IllegalStateException: boom");
  }

  @Test
  void successesAndFailuresAreCountedApartPerIntervalAndInTotal() {
    BenchStats stats = new BenchStats();
    stats.time(() -> { });
    stats.time(failsAfter(0, new IllegalArgumentException("first")));
    BenchStats.Interval first = stats.roll();
    assertThat(first.ok().getTotalCount()).isEqualTo(1);
    assertThat(first.failed().getTotalCount()).isEqualTo(1);
    stats.time(() -> { });
    stats.time(() -> { });
    stats.time(failsAfter(0, new IllegalArgumentException("second")));
    BenchStats.Interval second = stats.roll();
    assertThat(second.ok().getTotalCount()).isEqualTo(2);
    assertThat(stats.okTotal().getTotalCount()).isEqualTo(3);
    assertThat(stats.failedTotal().getTotalCount()).isEqualTo(2);
    assertThat(stats.firstError()).isEqualTo("IllegalArgumentException: first");
  }
}
