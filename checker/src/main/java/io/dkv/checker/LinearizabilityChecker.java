package io.dkv.checker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Checks that a history of single-key register operations is linearizable: that each operation
 * can be given a moment between its invocation and its answer at which it took effect, such that
 * in that order every answer is what the register (get, put, putIfAbsent, delete, compareAndSet,
 * with versions that grow per key) would have given.
 *
 * <p>Operations on different keys are independent, so each key is checked on its own
 * (P-compositionality: Herlihy &amp; Wing, "Linearizability", TOPLAS 1990), which keeps each search
 * small. Failed operations and reads with an unknown outcome are left out; a write with an unknown
 * outcome may take effect at any time after its invocation, or never.
 *
 * <p>The search is exponential in the worst case, so each key has a time limit, past which its
 * verdict is UNKNOWN. NOT_LINEARIZABLE and LINEARIZABLE are only reported when proven.
 */
public final class LinearizabilityChecker {
  private LinearizabilityChecker() {}

  /** Checks every key of {@code history}, each within {@code perKeyLimit}; runs in the caller's thread. */
  public static CheckResult check(History history, Duration perKeyLimit) {
    return check(history, perKeyLimit, System::nanoTime);
  }

  /** As {@link #check(History, Duration)}, reading time from {@code nanoClock}. */
  static CheckResult check(History history, Duration perKeyLimit, LongSupplier nanoClock) {
    if (perKeyLimit == null || perKeyLimit.isNegative() || perKeyLimit.isZero()) {
      throw new IllegalArgumentException("the per-key time limit must be positive, got " + perKeyLimit);
    }
    List<KeyVerdict> verdicts = new ArrayList<>();
    for (Map.Entry<String, List<Operation>> e : history.byKey().entrySet()) {
      List<Operation> checked = e.getValue().stream().filter(LinearizabilityChecker::mayHaveTakenEffect).toList();
      verdicts.add(KeySearch.check(e.getKey(), checked, perKeyLimit, nanoClock));
    }
    return CheckResult.of(verdicts);
  }

  /** Answered operations, and writes that may have taken effect; not failed ones, nor reads lost on the way. */
  private static boolean mayHaveTakenEffect(Operation op) {
    return op.outcome().answered() || (op.outcome() instanceof Outcome.Unknown && op.command().kind().writes());
  }
}
