package io.dkv.checker;

/**
 * How an operation ended. {@link Found}, {@link NotFound}, {@link Written} and
 * {@link ConditionFailed} are answers (the operation took effect, or observed the state, once);
 * {@link Failed} means it definitely had no effect; {@link Unknown} means it may have taken effect
 * once, at any time after its invocation, or never (a timeout, a lost connection, a crash).
 */
public sealed interface Outcome {
  /** GET of a present key: its value and version. */
  record Found(String value, long version) implements Outcome {
    public Found {
      if (value == null || version < 1) {
        throw new IllegalArgumentException("found needs a value and a version >= 1, got " + value + " v" + version);
      }
    }
  }

  /** GET of an absent key, or DELETE of an absent key (which then changed nothing). */
  record NotFound() implements Outcome {}

  /** A write that took effect and got this new version. */
  record Written(long version) implements Outcome {
    public Written {
      if (version < 1) {
        throw new IllegalArgumentException("a written version must be >= 1, got " + version);
      }
    }
  }

  /** PUT_IF_ABSENT or COMPARE_AND_SET whose condition did not hold: the key's version (0: absent). */
  record ConditionFailed(long version) implements Outcome {
    public ConditionFailed {
      if (version < 0) {
        throw new IllegalArgumentException("a condition-failed version must be >= 0, got " + version);
      }
    }
  }

  /** Definitely without effect (for example refused before anything was written). */
  record Failed() implements Outcome {}

  /** May have taken effect at any time after the invocation, or never. */
  record Unknown() implements Outcome {}

  Outcome NOT_FOUND = new NotFound();
  Outcome FAILED = new Failed();
  Outcome UNKNOWN = new Unknown();

  /** Whether {@code kind} can end this way. */
  default boolean fits(Command.Kind kind) {
    return switch (this) {
      case Found f -> kind == Command.Kind.GET;
      case NotFound n -> kind == Command.Kind.GET || kind == Command.Kind.DELETE;
      case Written w -> kind.writes();
      case ConditionFailed c -> kind == Command.Kind.PUT_IF_ABSENT || kind == Command.Kind.COMPARE_AND_SET;
      case Failed f -> true;
      case Unknown u -> true;
    };
  }

  /** An answer: the operation took effect, or observed the state, exactly once. */
  default boolean answered() {
    return !(this instanceof Failed || this instanceof Unknown);
  }
}
