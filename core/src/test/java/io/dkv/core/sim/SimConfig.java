package io.dkv.core.sim;

import io.dkv.core.twopc.TwoPhaseConfig;
import java.util.Random;

/**
 * The knobs of one simulation run, all drawn from its seed, so that runs differ in shape (cluster
 * size, fault rates, timers) and not only in the order of events.
 *
 * <p>Every message spends at most {@code maxDelayMillis} in flight, far below the tombstone TTL:
 * the one timing assumption of the protocol (docs/two-phase-commit.md, "Assumptions").
 */
record SimConfig(int nodes, int keys, int clients, long activeMillis, long tickMillis,
                 int maxBatch, double dropP, double dupP, long maxDelayMillis,
                 double crashBeforeSyncP, long meanUpMillis, long maxDownMillis,
                 long meanPartitionGapMillis, long minDeadlineMillis, long maxDeadlineMillis,
                 TwoPhaseConfig protocol) {

  static SimConfig fromSeed(long seed) {
    Random r = new Random(seed ^ 0x5DEECE66DL);
    int nodes = 3 + r.nextInt(3);
    long prepareRetry = 10 + r.nextInt(60);
    long decisionRetry = 10 + r.nextInt(60);
    long termination = 60 + r.nextInt(400);
    long tombstoneTtl = 2_000 + r.nextInt(8_000);
    long dedupWindow = 15_000 + r.nextInt(15_000);
    return new SimConfig(
        nodes,
        1 + r.nextInt(5),
        2 + r.nextInt(6),
        1_500 + r.nextInt(2_500),
        5 + r.nextInt(30),
        1 + r.nextInt(8),
        pick(r, 0.0, 0.02, 0.1, 0.25),
        pick(r, 0.0, 0.02, 0.1),
        1 + r.nextInt(80),
        pick(r, 0.0, 0.005, 0.03),
        pick(r, 400, 1_500, 5_000),
        10 + r.nextInt(600),
        pick(r, 300, 1_000, 100_000),
        20 + r.nextInt(200),
        300 + r.nextInt(1_500),
        new TwoPhaseConfig(prepareRetry, decisionRetry, termination, tombstoneTtl, dedupWindow));
  }

  private static double pick(Random r, double... choices) {
    return choices[r.nextInt(choices.length)];
  }

  private static long pick(Random r, long... choices) {
    return choices[r.nextInt(choices.length)];
  }
}
