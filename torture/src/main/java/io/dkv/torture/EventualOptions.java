package io.dkv.torture;

import java.time.Duration;

/**
 * The settings of an eventual torture run ({@link EventualTortureRun}): the namespace's N, W and R
 * (every request of the workload uses this W and R), how replicas are repaired after healing, and
 * how long they get to converge.
 *
 * @param convergenceLimit from healing (every fault undone, every client stopped) until every
 *                         replica of every key must hold the same value; past it the run fails
 */
public record EventualOptions(int n, int w, int r, RepairStep.Kind repair, Duration convergenceLimit) {
  /** The namespace the eventual run creates and uses. */
  static final String NAMESPACE = "torture-eventual";

  public EventualOptions {
    if (n < 1 || w < 1 || w > n || r < 1 || r > n) {
      throw new IllegalArgumentException("an eventual namespace needs N >= 1 and W and R between 1 and N; got N = " + n
          + ", W = " + w + ", R = " + r);
    }
    if (repair == null) {
      throw new IllegalArgumentException("an eventual run needs a repair step: one of " + RepairStep.Kind.names());
    }
    if (convergenceLimit == null || convergenceLimit.isNegative() || convergenceLimit.isZero()) {
      throw new IllegalArgumentException("the convergence limit must be positive, got " + convergenceLimit);
    }
  }
}
