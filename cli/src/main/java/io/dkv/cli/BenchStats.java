package io.dkv.cli;

import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Latencies of a bench run, of successful and failed operations apart: failures are often fast
 * refusals or slow timeouts, so mixed in they would skew the success percentiles, and left out
 * they would hide how long a failing client waited. Thread-safe for {@link #time}; one thread
 * calls {@link #roll}.
 */
final class BenchStats {
  private static final int SIGNIFICANT_DIGITS = 3;

  private final Recorder ok = new Recorder(SIGNIFICANT_DIGITS);
  private final Recorder failed = new Recorder(SIGNIFICANT_DIGITS);
  private final Histogram okTotal = new Histogram(SIGNIFICANT_DIGITS);
  private final Histogram failedTotal = new Histogram(SIGNIFICANT_DIGITS);
  private final AtomicReference<String> firstError = new AtomicReference<>();
  private Histogram okInterval;
  private Histogram failedInterval;

  /** Latencies in microseconds since the last {@link #roll}. */
  record Interval(Histogram ok, Histogram failed) {}

  /**
   * Runs one operation and records its latency as a success or, if it throws, as a failure. A
   * RuntimeException does not escape: one bad operation must not end a bench client's loop.
   */
  void time(Runnable operation) {
    long startNanos = System.nanoTime();
    try {
      operation.run();
      ok.recordValue(micros(startNanos));
    } catch (RuntimeException e) {
      failed.recordValue(micros(startNanos));
      firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
    }
  }

  /** Moves what was recorded since the last call into the totals and returns it. */
  Interval roll() {
    okInterval = ok.getIntervalHistogram(okInterval);
    failedInterval = failed.getIntervalHistogram(failedInterval);
    okTotal.add(okInterval);
    failedTotal.add(failedInterval);
    return new Interval(okInterval, failedInterval);
  }

  /** Successful operations up to the last {@link #roll}. */
  Histogram okTotal() {
    return okTotal;
  }

  /** Failed operations up to the last {@link #roll}. */
  Histogram failedTotal() {
    return failedTotal;
  }

  /** What the first failed operation threw, or null when none failed. */
  String firstError() {
    return firstError.get();
  }

  private static long micros(long startNanos) {
    return Math.max(0, (System.nanoTime() - startNanos) / 1000);
  }
}
