package io.dkv.checker;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Bugs injected into recorded histories: wrong versions, wrong values, stale reads. */
final class Mutations {
  private Mutations() {}

  /** The history with one operation's outcome changed at random (maybe into a still valid one). */
  static History mutateOneOutcome(History h, Random rnd) {
    List<Operation> ops = new ArrayList<>(h.operations());
    if (ops.isEmpty()) {
      return h;
    }
    int i = rnd.nextInt(ops.size());
    Operation op = ops.get(i);
    Outcome changed = switch (op.outcome()) {
      case Outcome.Found f -> switch (rnd.nextInt(3)) {
        case 0 -> new Outcome.Found(f.value(), Math.max(1, f.version() + (rnd.nextBoolean() ? 1 : -1)));
        case 1 -> new Outcome.Found(f.value().equals("a") ? "b" : "a", f.version());
        default -> Outcome.NOT_FOUND;
      };
      case Outcome.NotFound n -> op.command().kind() == Command.Kind.GET
          ? new Outcome.Found("a", 1 + rnd.nextInt(4)) : new Outcome.Written(1 + rnd.nextInt(6));
      case Outcome.Written w -> rnd.nextInt(4) == 0 ? Outcome.UNKNOWN
          : new Outcome.Written(Math.max(1, w.version() + (rnd.nextBoolean() ? 1 : -1)));
      case Outcome.ConditionFailed c -> new Outcome.ConditionFailed(Math.max(0, c.version() + (rnd.nextBoolean() ? 1 : -1)));
      case Outcome.Failed f -> Outcome.UNKNOWN;
      case Outcome.Unknown u -> op.command().kind() == Command.Kind.GET ? Outcome.FAILED
          : new Outcome.Written(1 + rnd.nextInt(6));
    };
    ops.set(i, new Operation(op.id(), op.process(), op.key(), op.command(), op.invokedAt(), op.completedAt(), changed));
    return History.of(ops);
  }

  /**
   * The history with a read added that returns what an earlier write wrote although a later write
   * had already been answered before the read began: a stale read, never linearizable. Null if the
   * history has no two answered value writes one after the other.
   */
  static History withStaleRead(History h, Random rnd) {
    List<Operation[]> pairs = new ArrayList<>();
    for (Operation older : h.operations()) {
      for (Operation newer : h.operations()) {
        if (older.outcome() instanceof Outcome.Written && older.command().value() != null
            && newer.outcome() instanceof Outcome.Written && newer.completedAt() != Operation.NEVER_RETURNED
            && older.completedAt() < newer.invokedAt()) {
          pairs.add(new Operation[] {older, newer});
        }
      }
    }
    if (pairs.isEmpty()) {
      return null;
    }
    Operation[] pair = pairs.get(rnd.nextInt(pairs.size()));
    long version = ((Outcome.Written) pair[0].outcome()).version();
    long invokedAt = pair[1].completedAt() + 1;
    List<Operation> ops = new ArrayList<>(h.operations());
    ops.add(new Operation(ops.size(), 9, pair[0].key(), Command.get(), invokedAt, invokedAt + rnd.nextInt(30),
        new Outcome.Found(pair[0].command().value(), version)));
    return History.of(ops);
  }
}
