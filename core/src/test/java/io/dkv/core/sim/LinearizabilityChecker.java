package io.dkv.core.sim;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Wing &amp; Gong's search for a linearization of a single-key history, with memoization of
 * (linearized set, state) as in Lowe's and Porcupine's checkers. Operations with an UNKNOWN
 * outcome may be linearized anywhere after their invocation, or left out.
 *
 * <p>Checking the final history is enough: linearizability is prefix-closed (a prefix of a
 * linearizable history, with its pending operations left out or completed, is linearizable), so a
 * violation at any step would still show at the end.
 */
final class LinearizabilityChecker {
  private record Memo(BitSet done, RegisterModel.State state) {}

  private final List<HistoryOp> ops;
  private final int definiteCount;
  private final Set<Memo> seen = new HashSet<>();
  private final long budget;
  private long steps;

  private LinearizabilityChecker(List<HistoryOp> ops, long budget) {
    this.ops = ops;
    this.definiteCount = (int) ops.stream().filter(HistoryOp::definite).count();
    this.budget = budget;
  }

  /** The verdict: linearizable or not; {@code exhausted} when the search budget ran out. */
  record Result(boolean linearizable, boolean exhausted) {}

  /** Checks one key's operations (any order); NO_EFFECT and PENDING operations are ignored. */
  static Result check(List<HistoryOp> history, long budget) {
    List<HistoryOp> ops = new ArrayList<>();
    for (HistoryOp op : history) {
      if (op.definite() || op.status == HistoryOp.Status.UNKNOWN) {
        ops.add(op);
      }
    }
    ops.sort((a, b) -> Long.compare(a.invokedAt, b.invokedAt));
    LinearizabilityChecker c = new LinearizabilityChecker(ops, budget);
    boolean ok = c.search(new BitSet(), RegisterModel.State.INITIAL, 0);
    return new Result(ok || c.steps > budget, c.steps > budget);
  }

  private boolean search(BitSet done, RegisterModel.State state, int definiteDone) {
    if (definiteDone == definiteCount) {
      return true;
    }
    if (++steps > budget || !seen.add(new Memo((BitSet) done.clone(), state))) {
      return steps > budget;
    }
    long firstReturn = Long.MAX_VALUE;
    for (int i = done.nextClearBit(0); i < ops.size(); i = done.nextClearBit(i + 1)) {
      firstReturn = Math.min(firstReturn, ops.get(i).returnedAt);
    }
    for (int i = done.nextClearBit(0); i < ops.size(); i = done.nextClearBit(i + 1)) {
      HistoryOp op = ops.get(i);
      if (op.invokedAt > firstReturn) {
        break; // sorted by invocation: no later operation can come next either
      }
      for (RegisterModel.State next : RegisterModel.apply(state, op)) {
        done.set(i);
        boolean found = search(done, next, definiteDone + (op.definite() ? 1 : 0));
        done.clear(i);
        if (found) {
          return true;
        }
      }
    }
    return false;
  }
}
