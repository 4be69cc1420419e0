package io.dkv.checker;

/**
 * One client operation on one key, from invocation to its outcome. Times are in any unit that
 * grows with real time (nanoseconds, or a simulation's logical clock): operation a precedes b when
 * a completed strictly before b was invoked; equal times count as concurrent.
 *
 * @param id          unique in its history
 * @param process     the client that issued it (informational: the check does not need it)
 * @param completedAt when the answer arrived, or {@link #NEVER_RETURNED}; an operation that never
 *                    returned may still have a known outcome (found out later) and then took effect
 *                    at some time after its invocation
 */
public record Operation(int id, int process, String key, Command command, long invokedAt, long completedAt,
                        Outcome outcome) {
  public static final long NEVER_RETURNED = Long.MAX_VALUE;

  public Operation {
    if (key == null || command == null || outcome == null) {
      throw new IllegalArgumentException("an operation needs a key, a command and an outcome, got key=" + key
          + " command=" + command + " outcome=" + outcome);
    }
    if (!outcome.fits(command.kind())) {
      throw new IllegalArgumentException("operation #" + id + ": " + command.kind() + " cannot end with " + outcome
          + " (GET: found or not found; PUT: written; PUT_IF_ABSENT and COMPARE_AND_SET: written or"
          + " condition failed; DELETE: written or not found; any: failed or unknown)");
    }
    if (completedAt < invokedAt) {
      throw new IllegalArgumentException("operation #" + id + " completed at " + completedAt
          + " before it was invoked at " + invokedAt);
    }
  }

  /** When the operation's effect must have happened at the latest: never, if it may still take effect. */
  long effectDeadline() {
    return outcome instanceof Outcome.Unknown ? NEVER_RETURNED : completedAt;
  }

  @Override
  public String toString() {
    String until = completedAt == NEVER_RETURNED ? "never" : Long.toString(completedAt);
    return "#" + id + " p" + process + " " + key + " " + command + " [" + invokedAt + ".." + until + "] -> "
        + describe(outcome);
  }

  static String describe(Outcome outcome) {
    return switch (outcome) {
      case Outcome.Found f -> "found " + f.value() + " v" + f.version();
      case Outcome.NotFound n -> "not found";
      case Outcome.Written w -> "written v" + w.version();
      case Outcome.ConditionFailed c -> "condition failed v" + c.version();
      case Outcome.Failed f -> "failed";
      case Outcome.Unknown u -> "unknown";
    };
  }
}
