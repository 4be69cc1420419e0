package io.dkv.core.eventual;

/**
 * Timers and bounds of hinted handoff (docs/eventual.md §4.1).
 *
 * @param handoffDelayMillis     how long a coordinator waits for a replica's acknowledgement before it
 *                               sends the write, with a hint naming that replica, to a fallback node
 *                               (at once for a replica the driver reports down)
 * @param handoffTimeoutMillis   how long after a write starts its coordinator keeps trying to get
 *                               every replica an acknowledgement or a stored hint, once no client
 *                               waits for it any more; past it, anti-entropy must repair the rest
 * @param maxHints               at most this many hints held by one node; a new one is refused
 * @param maxHintBytes           at most this many bytes of hints (stored keys and values) held by one
 *                               node; a hint that would exceed it is refused
 * @param maxHintAgeMillis       a hint not delivered this long after it was stored is dropped
 * @param deliveryIntervalMillis how often a holder tries again to deliver a target's hints while
 *                               the target does not acknowledge them (down, or unreachable)
 */
public record HintConfig(long handoffDelayMillis, long handoffTimeoutMillis, int maxHints, long maxHintBytes,
                         long maxHintAgeMillis, long deliveryIntervalMillis) {
  public HintConfig {
    EventualConfig.positive("handoffDelayMillis", handoffDelayMillis);
    EventualConfig.positive("handoffTimeoutMillis", handoffTimeoutMillis);
    EventualConfig.positive("maxHints", maxHints);
    EventualConfig.positive("maxHintBytes", maxHintBytes);
    EventualConfig.positive("maxHintAgeMillis", maxHintAgeMillis);
    EventualConfig.positive("deliveryIntervalMillis", deliveryIntervalMillis);
  }

  /**
   * 1 s, 10 s, 100,000 hints, 256 MiB, 30 minutes, 1 s. The age bound stays well below the
   * tombstone grace period (1 hour by default), which must exceed it (docs/eventual.md §10); a
   * replica down for longer is brought up to date by anti-entropy.
   */
  public static HintConfig defaults() {
    return new HintConfig(1_000, 10_000, 100_000, 256L << 20, 30 * 60_000L, 1_000);
  }
}
