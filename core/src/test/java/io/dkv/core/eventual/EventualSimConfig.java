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
 * Repair sessions carry few keys per message and purge rounds few tombstones, so that both take
 * several steps. With {@code longOutage} one node is down from early in the run until the healing:
 * the others purge tombstones it has not seen, which only the checks before a purge can tell.
 */
record EventualSimConfig(int nodes, int keys, int clients, long activeMillis, long tickMillis, int maxBatch,
                         double dropP, double dupP, long maxDelayMillis, double crashBeforeSyncP,
                         long meanUpMillis, long maxDownMillis, long meanPartitionGapMillis,
                         long maxSkewMillis, long minTimeoutMillis, long maxTimeoutMillis,
                         EventualConfig protocol, RepairConfig repair, boolean longOutage) {
  static final int N = 3;
  /**
   * Coordinators remember request ids this long, and clients retry a write only within
   * {@link #RETRY_WITHIN_MILLIS} of its first attempt, so every retry is sent under its first
   * version: the tombstone grace period (0.7-1.6 s here) must exceed the window plus the retry's
   * deadline, message delays and skew (docs/eventual.md §10), or a retry could bring back a value
   * whose tombstone was purged.
   */
  static final long REQUEST_WINDOW_MILLIS = 600;
  static final long RETRY_WITHIN_MILLIS = 300;

  static EventualSimConfig fromSeed(long seed) {
    Random r = new Random(seed * 0x9E3779B97F4A7C15L + 17);
    int nodes = N + r.nextInt(3);
    int keys = 1 + r.nextInt(6);
    int clients = 2 + r.nextInt(3);
    long activeMillis = 800 + r.nextInt(1_500);
    long tickMillis = 5 + r.nextInt(25);
    int maxBatch = 1 + r.nextInt(6);
    double dropP = pick(r, 0.0, 0.02, 0.1, 0.25);
    double dupP = pick(r, 0.0, 0.02, 0.1);
    long maxDelayMillis = 1 + r.nextInt(50);
    double crashBeforeSyncP = pick(r, 0.0, 0.005, 0.03);
    long meanUpMillis = pick(r, 300, 1_000, 5_000);
    long maxDownMillis = 10 + r.nextInt(400);
    long meanPartitionGapMillis = pick(r, 200, 800, 100_000);
    long maxSkewMillis = pick(r, 0, 20, 150);
    long minTimeoutMillis = 30 + r.nextInt(100);
    long maxTimeoutMillis = 200 + r.nextInt(600);
    // Hinted handoff: a delay of 1-4 retry periods, a timeout short enough to end within the quiet
    // period, holders that are sometimes nearly full (a few hints, or a few hundred bytes), and hints
    // that live 0.4 or 1.5 s, so that some expire during the run.
    long retryMillis = 15 + r.nextInt(80);
    HintConfig hints = new HintConfig(retryMillis * (1 + r.nextInt(4)), 300 + r.nextInt(500),
        (int) pick(r, 2, 20, 100_000), pick(r, 300, 100_000), pick(r, 400, 1_500, 1_500), 20 + r.nextInt(200));
    EventualConfig protocol = new EventualConfig(retryMillis, REQUEST_WINDOW_MILLIS, 10_000, pick(r, 40, 1_000), hints);
    // The grace period outlasts a retry's re-sends (retried within RETRY_WITHIN_MILLIS, each until
    // its deadline) and a hint's life (the handoff timeout and its maximum age), plus a message's
    // delay and the clocks' skew, and no more: purges happen during the faults too, where a purge
    // done too early would show.
    long graceMillis = Math.max(Math.max(REQUEST_WINDOW_MILLIS, RETRY_WITHIN_MILLIS + maxTimeoutMillis),
        hints.handoffTimeoutMillis() + hints.maxHintAgeMillis()) + 2 * maxSkewMillis + maxDelayMillis + 100;
    RepairConfig repair = new RepairConfig(graceMillis, 110 + r.nextInt(100), 2 + r.nextInt(3), 1 + r.nextInt(4),
        2 + r.nextInt(6));
    return new EventualSimConfig(nodes, keys, clients, activeMillis, tickMillis, maxBatch, dropP, dupP, maxDelayMillis,
        crashBeforeSyncP, meanUpMillis, maxDownMillis, meanPartitionGapMillis, maxSkewMillis, minTimeoutMillis,
        maxTimeoutMillis, protocol, repair, r.nextInt(3) == 0);
  }

  private static double pick(Random r, double... choices) {
    return choices[r.nextInt(choices.length)];
  }

  private static long pick(Random r, long... choices) {
    return choices[r.nextInt(choices.length)];
  }
}
