package io.dkv.core.eventual;

/**
 * Timers and bounds of the eventual core.
 *
 * @param retryMillis           how long a coordinator waits for a replica's answer before it asks
 *                              again (writes: the replicas that did not acknowledge; reads: every
 *                              replica that did not answer, including those not asked yet)
 * @param requestWindowMillis   how long a coordinator remembers a write's request id and version, so
 *                              that a retry is sent with the same version (applied at most once)
 * @param maxRequestsRemembered at most this many request ids are remembered; the oldest go first
 * @param maxClockDriftMillis   how far ahead of a node's clock a received version may be
 *                              ({@link HybridClock}); a write further ahead is refused
 * @param hints                 hinted handoff's timers and bounds
 */
public record EventualConfig(long retryMillis, long requestWindowMillis, int maxRequestsRemembered,
                             long maxClockDriftMillis, HintConfig hints) {
  public EventualConfig {
    positive("retryMillis", retryMillis);
    positive("requestWindowMillis", requestWindowMillis);
    positive("maxRequestsRemembered", maxRequestsRemembered);
    if (maxClockDriftMillis < 0) {
      throw new IllegalArgumentException("maxClockDriftMillis must be at least 0, got " + maxClockDriftMillis);
    }
    if (hints == null) {
      throw new IllegalArgumentException("hints must be given (HintConfig.defaults() for the defaults)");
    }
  }

  /** With hinted handoff's defaults. */
  public EventualConfig(long retryMillis, long requestWindowMillis, int maxRequestsRemembered,
                        long maxClockDriftMillis) {
    this(retryMillis, requestWindowMillis, maxRequestsRemembered, maxClockDriftMillis, HintConfig.defaults());
  }

  public static EventualConfig defaults() {
    return new EventualConfig(200, 60_000, 100_000, 500);
  }

  static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
