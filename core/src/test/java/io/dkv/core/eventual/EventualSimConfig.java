package io.dkv.core.eventual;

import java.util.Random;

/**
 * The knobs of one eventual-namespace simulation run, all drawn from its seed so that runs differ
 * in shape (cluster size, fault rates, clock skew, timers) and not only in the order of events.
 *
 * <p>Every key has N = 3 replicas among 3 to 5 nodes. Wall clocks are skewed by up to
 * {@code maxSkewMillis} each way and jump (also backwards) during the run; with a small
 * {@code protocol.maxClockDriftMillis()} some writes are refused for being too far ahead. With more
 * than N nodes, the others are a key's fallbacks for hinted handoff; with N, only the coordinator.
 */
record EventualSimConfig(int nodes, int keys, int clients, long activeMillis, long tickMillis, int maxBatch,
                         double dropP, double dupP, long maxDelayMillis, double crashBeforeSyncP,
                         long meanUpMillis, long maxDownMillis, long meanPartitionGapMillis,
                         long maxSkewMillis, long minTimeoutMillis, long maxTimeoutMillis,
                         EventualConfig protocol) {
  static final int N = 3;

  static EventualSimConfig fromSeed(long seed) {
    Random r = new Random(seed * 0x9E3779B97F4A7C15L + 17);
    return new EventualSimConfig(
        N + r.nextInt(3),
        1 + r.nextInt(3),
        2 + r.nextInt(3),
        800 + r.nextInt(1_500),
        5 + r.nextInt(25),
        1 + r.nextInt(6),
        pick(r, 0.0, 0.02, 0.1, 0.25),
        pick(r, 0.0, 0.02, 0.1),
        1 + r.nextInt(50),
        pick(r, 0.0, 0.005, 0.03),
        pick(r, 300, 1_000, 5_000),
        10 + r.nextInt(400),
        pick(r, 200, 800, 100_000),
        pick(r, 0, 20, 150),
        30 + r.nextInt(100),
        200 + r.nextInt(600),
        protocol(r));
  }

  /**
   * The core's timers and bounds. Hinted handoff: a delay of 1-4 retry periods, a timeout short
   * enough to end within the quiet period, holders that are sometimes nearly full (a few hints, or a
   * few hundred bytes) and hints that sometimes expire during the run.
   */
  private static EventualConfig protocol(Random r) {
    long retryMillis = 15 + r.nextInt(80);
    HintConfig hints = new HintConfig(retryMillis * (1 + r.nextInt(4)), 500 + r.nextInt(1_500),
        (int) pick(r, 2, 20, 100_000), pick(r, 300, 100_000), pick(r, 400, 60_000, 60_000), 20 + r.nextInt(200));
    return new EventualConfig(retryMillis, 60_000, 10_000, pick(r, 40, 1_000), hints);
  }

  private static double pick(Random r, double... choices) {
    return choices[r.nextInt(choices.length)];
  }

  private static long pick(Random r, long... choices) {
    return choices[r.nextInt(choices.length)];
  }
}
