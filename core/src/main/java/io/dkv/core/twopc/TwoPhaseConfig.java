package io.dkv.core.twopc;

/**
 * Timers of the two-phase-commit core; all in milliseconds of the driver's clock.
 *
 * @param prepareRetryMillis     a coordinator re-sends PREPARE to participants that have not voted
 *                               this often, until the client's deadline
 * @param decisionRetryMillis    a coordinator (or a participant finishing a transaction) re-sends
 *                               the decision to those that have not acknowledged it this often
 * @param terminationAfterMillis a participant prepared for this long without a decision starts the
 *                               termination protocol, and repeats its queries this often; a
 *                               participant holding a decided record this long without a FORGET
 *                               finishes the transaction itself
 * @param tombstoneTtlMillis     how long a forgotten transaction is remembered in memory, so that a
 *                               delayed duplicate PREPARE is answered rather than prepared again.
 *                               Must exceed the longest time a message can spend in flight
 * @param dedupWindowMillis      how long a committed request id is remembered, so that a client's
 *                               retry is answered with the first outcome instead of applied again;
 *                               a retry that arrives later than this may be applied twice
 */
public record TwoPhaseConfig(long prepareRetryMillis, long decisionRetryMillis,
                             long terminationAfterMillis, long tombstoneTtlMillis,
                             long dedupWindowMillis) {
  /** Ten minutes: far longer than any client keeps retrying one request. */
  public static final long DEFAULT_DEDUP_WINDOW_MILLIS = 10 * 60_000;

  public TwoPhaseConfig {
    requirePositive("prepareRetryMillis", prepareRetryMillis);
    requirePositive("decisionRetryMillis", decisionRetryMillis);
    requirePositive("terminationAfterMillis", terminationAfterMillis);
    requirePositive("tombstoneTtlMillis", tombstoneTtlMillis);
    requirePositive("dedupWindowMillis", dedupWindowMillis);
  }

  /** The four protocol timers, with the default dedup window. */
  public TwoPhaseConfig(long prepareRetryMillis, long decisionRetryMillis,
                        long terminationAfterMillis, long tombstoneTtlMillis) {
    this(prepareRetryMillis, decisionRetryMillis, terminationAfterMillis, tombstoneTtlMillis,
        DEFAULT_DEDUP_WINDOW_MILLIS);
  }

  /** 200 ms retries, termination after 2 s, tombstones for 2 min, request ids for 10 min. */
  public static TwoPhaseConfig defaults() {
    return new TwoPhaseConfig(200, 200, 2_000, 120_000, DEFAULT_DEDUP_WINDOW_MILLIS);
  }

  private static void requirePositive(String name, long millis) {
    if (millis <= 0) {
      throw new IllegalArgumentException(name + " must be > 0, got " + millis);
    }
  }
}
