package io.dkv.checker;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately naive reference for {@link LinearizabilityChecker}, for histories of a few
 * operations on one key: it tries every subset of the unknown writes and every order of the chosen
 * operations that respects real time, and checks each complete order on its own, without caching
 * anything and without the lower-bound trick of the model: unseen versions are variables, and an
 * order is valid iff the equalities it imposes on them fit a strictly growing sequence from 0.
 */
final class BruteForceChecker {
  private BruteForceChecker() {}

  static boolean linearizable(List<Operation> ops) {
    List<Operation> answered = new ArrayList<>();
    List<Operation> unknownWrites = new ArrayList<>();
    for (Operation op : ops) {
      if (op.outcome() instanceof Outcome.Unknown && op.command().kind() != Command.Kind.GET) {
        unknownWrites.add(op);
      } else if (!(op.outcome() instanceof Outcome.Unknown || op.outcome() instanceof Outcome.Failed)) {
        answered.add(op);
      }
    }
    for (int subset = 0; subset < 1 << unknownWrites.size(); subset++) {
      List<Operation> chosen = new ArrayList<>(answered);
      for (int i = 0; i < unknownWrites.size(); i++) {
        if ((subset & 1 << i) != 0) {
          chosen.add(unknownWrites.get(i));
        }
      }
      if (someOrderIsValid(chosen, new ArrayList<>())) {
        return true;
      }
    }
    return false;
  }

  /** a must come before b: a returned an answer before b was invoked. */
  private static boolean precedes(Operation a, Operation b) {
    boolean answered = !(a.outcome() instanceof Outcome.Unknown);
    return answered && a.completedAt() != Operation.NEVER_RETURNED && a.completedAt() < b.invokedAt();
  }

  private static boolean someOrderIsValid(List<Operation> left, List<Operation> order) {
    if (left.isEmpty()) {
      return valid(order);
    }
    for (Operation next : left) {
      if (left.stream().anyMatch(other -> precedes(other, next))) {
        continue;
      }
      List<Operation> rest = new ArrayList<>(left);
      rest.remove(next);
      order.add(next);
      boolean found = someOrderIsValid(rest, order);
      order.removeLast();
      if (found) {
        return true;
      }
    }
    return false;
  }

  /**
   * Runs {@code order} against the register. Write number w (1, 2, ...) sets the version to the
   * unknown x_w; x_0 = 0 is the initial tombstone's. Answers pin some x_w to a number.
   */
  static boolean valid(List<Operation> order) {
    boolean present = false;
    String value = null;
    int writes = 0;
    Map<Integer, Long> pinned = new HashMap<>(Map.of(0, 0L));
    for (Operation op : order) {
      Command c = op.command();
      Long visible = present ? null : 0L; // null: the current write's version, x_writes
      switch (op.outcome()) {
        case Outcome.Found f -> {
          if (!present || !value.equals(f.value()) || !pin(pinned, writes, f.version())) {
            return false;
          }
        }
        case Outcome.NotFound n -> {
          if (present) {
            return false;
          }
        }
        case Outcome.ConditionFailed f -> {
          boolean conditionFailed = c.kind() == Command.Kind.PUT_IF_ABSENT
              ? present && !value.equals(c.value())
              : f.version() != c.expectedVersion();
          boolean seen = visible != null ? visible == f.version() : pin(pinned, writes, f.version());
          if (!conditionFailed || !seen) {
            return false;
          }
        }
        case Outcome.Written w -> {
          if (!conditionHolds(c, present, value, visible, pinned, writes)) {
            return false;
          }
          writes++;
          pinned.put(writes, w.version());
          present = c.kind() != Command.Kind.DELETE;
          value = c.value();
        }
        case Outcome.Unknown u -> {
          if (!conditionHolds(c, present, value, visible, pinned, writes)) {
            return false;
          }
          writes++;
          present = c.kind() != Command.Kind.DELETE;
          value = c.value();
        }
        case Outcome.Failed f -> throw new AssertionError("failed operations are never in an order");
      }
    }
    return versionsCanGrow(pinned, writes);
  }

  private static boolean conditionHolds(Command c, boolean present, String value, Long visible,
                                        Map<Integer, Long> pinned, int writes) {
    return switch (c.kind()) {
      case PUT -> true;
      case PUT_IF_ABSENT -> !present || value.equals(c.value());
      case DELETE -> present;
      case COMPARE_AND_SET -> visible != null ? visible == c.expectedVersion() : pin(pinned, writes, c.expectedVersion());
      case GET -> throw new AssertionError("a get is no write");
    };
  }

  private static boolean pin(Map<Integer, Long> pinned, int write, long version) {
    Long earlier = pinned.putIfAbsent(write, version);
    return earlier == null || earlier == version;
  }

  /** Whether integers x_0 < x_1 < ... < x_writes exist with the pinned values. */
  private static boolean versionsCanGrow(Map<Integer, Long> pinned, int writes) {
    int lastWrite = 0;
    long lastVersion = 0;
    for (int w = 1; w <= writes; w++) {
      Long v = pinned.get(w);
      if (v != null) {
        if (v - lastVersion < w - lastWrite) {
          return false;
        }
        lastWrite = w;
        lastVersion = v;
      }
    }
    return true;
  }
}
