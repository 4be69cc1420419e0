package io.dkv.checker;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Small histories of one key, recorded from random concurrent executions against a real register:
 * a few clients, each with at most one operation in flight, whose invocations, effects and answers
 * interleave at random. Such a history is linearizable by construction (each operation took effect
 * at one moment inside its interval), whatever the fates drawn: answered, failed without effect,
 * timed out after or without taking effect, or taking effect with the answer found out later.
 */
final class RandomExecutions {
  static final String KEY = "k";
  private static final String[] VALUES = {"a", "b", "c"};

  /** A real register of one key, with dkv's semantics; it picks a random increment per write. */
  private static final class Register {
    boolean present;
    String value;
    long version;

    Outcome apply(Command c, Random rnd) {
      long visible = present ? version : 0;
      boolean conditionHolds = switch (c.kind()) {
        case GET, PUT -> true;
        case PUT_IF_ABSENT -> !present || value.equals(c.value());
        case DELETE -> present;
        case COMPARE_AND_SET -> visible == c.expectedVersion();
      };
      if (c.kind() == Command.Kind.GET) {
        return present ? new Outcome.Found(value, version) : Outcome.NOT_FOUND;
      }
      if (!conditionHolds) {
        return c.kind() == Command.Kind.DELETE ? Outcome.NOT_FOUND : new Outcome.ConditionFailed(visible);
      }
      version += 1 + rnd.nextInt(3);
      present = c.kind() != Command.Kind.DELETE;
      value = c.value();
      return new Outcome.Written(version);
    }
  }

  private enum Fate { ANSWERED, FAILED, UNKNOWN_APPLIED, UNKNOWN_NOT_APPLIED, FOUND_OUT_LATER }

  private static final class InFlight {
    final int process;
    final Command command;
    final long invokedAt;
    final Fate fate;
    Outcome effect;

    InFlight(int process, Command command, long invokedAt, Fate fate) {
      this.process = process;
      this.command = command;
      this.invokedAt = invokedAt;
      this.fate = fate;
    }
  }

  private RandomExecutions() {}

  /** Up to {@code maxOps} operations by up to 3 clients; times are multiples of 10, sometimes equal. */
  static History generate(Random rnd, int maxOps) {
    int ops = 1 + rnd.nextInt(maxOps);
    int clients = 1 + rnd.nextInt(3);
    Register register = new Register();
    InFlight[] inFlight = new InFlight[clients];
    List<Operation> done = new ArrayList<>();
    int invoked = 0;
    long clock = 0;
    while (invoked < ops || anyInFlight(inFlight)) {
      clock += rnd.nextInt(4) == 0 ? 0 : 10;
      int p = rnd.nextInt(clients);
      InFlight f = inFlight[p];
      if (f == null) {
        if (invoked < ops) {
          inFlight[p] = new InFlight(p, command(rnd, register), clock, fate(rnd));
          invoked++;
        }
      } else if (f.effect == null && takesEffect(f.fate)) {
        f.effect = register.apply(f.command, rnd);
      } else {
        done.add(finish(done.size(), f, clock));
        inFlight[p] = null;
      }
    }
    return History.of(done);
  }

  private static Operation finish(int id, InFlight f, long clock) {
    return switch (f.fate) {
      case ANSWERED -> new Operation(id, f.process, KEY, f.command, f.invokedAt, clock, f.effect);
      case FAILED -> new Operation(id, f.process, KEY, f.command, f.invokedAt, clock, Outcome.FAILED);
      case UNKNOWN_APPLIED, UNKNOWN_NOT_APPLIED ->
          new Operation(id, f.process, KEY, f.command, f.invokedAt, clock, Outcome.UNKNOWN);
      case FOUND_OUT_LATER -> new Operation(id, f.process, KEY, f.command, f.invokedAt, Operation.NEVER_RETURNED, f.effect);
    };
  }

  private static boolean takesEffect(Fate fate) {
    return fate == Fate.ANSWERED || fate == Fate.UNKNOWN_APPLIED || fate == Fate.FOUND_OUT_LATER;
  }

  private static boolean anyInFlight(InFlight[] inFlight) {
    for (InFlight f : inFlight) {
      if (f != null) {
        return true;
      }
    }
    return false;
  }

  private static Fate fate(Random rnd) {
    int roll = rnd.nextInt(20);
    return roll < 13 ? Fate.ANSWERED : roll < 15 ? Fate.FAILED : roll < 17 ? Fate.UNKNOWN_APPLIED
        : roll < 19 ? Fate.UNKNOWN_NOT_APPLIED : Fate.FOUND_OUT_LATER;
  }

  /** A random command; a compare-and-set usually expects the current version, like a real client. */
  private static Command command(Random rnd, Register register) {
    String value = VALUES[rnd.nextInt(VALUES.length)];
    return switch (rnd.nextInt(5)) {
      case 0 -> Command.get();
      case 1 -> Command.put(value);
      case 2 -> Command.putIfAbsent(value);
      case 3 -> Command.delete();
      default -> Command.compareAndSet(rnd.nextBoolean() && register.present ? register.version
          : rnd.nextInt(4), value);
    };
  }
}
