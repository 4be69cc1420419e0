package io.dkv.checker;

/**
 * The sequential specification of one key of a strong namespace: get, put, putIfAbsent, delete,
 * compareAndSet, where every successful write gets a version strictly greater than every earlier
 * one of the key (by an amount the system picks), also across deletes.
 *
 * <p>A write with an unknown outcome may have taken effect with a version nobody saw. The state
 * then holds a lower bound instead of the version ({@code exact == false}), and the first operation
 * that observes the version pins it. Keeping only the smallest admissible value loses nothing: every
 * later constraint on it is either "the version is x" (a pin) or "the version is below x" (the next
 * write's version).
 */
final class RegisterModel {
  private RegisterModel() {}

  /**
   * @param value   the value when present, else null
   * @param version the key's version, also when absent (the tombstone's; 0 if never written), or its
   *                lower bound when not {@code exact}
   */
  record State(boolean present, String value, long version, boolean exact) {
    static final State INITIAL = new State(false, null, 0, true);

    @Override
    public String toString() {
      String v = (exact ? "v" : "v>=") + version;
      return present ? "present " + value + " " + v : "absent (" + v + ")";
    }
  }

  /**
   * The state after {@code op} took effect in {@code s}, or null if it cannot take effect there.
   * The outcome must be an answer or {@link Outcome.Unknown} (the write then takes effect here).
   */
  static State step(State s, Operation op) {
    Command c = op.command();
    return switch (op.outcome()) {
      case Outcome.Found f -> s.present() && s.value().equals(f.value()) ? pin(s, f.version()) : null;
      case Outcome.NotFound n -> s.present() ? null : s;
      case Outcome.Written w -> {
        State matched = conditionHolds(s, c);
        if (matched == null || matched.version() >= w.version()) {
          yield null;
        }
        yield new State(c.kind() != Command.Kind.DELETE, c.value(), w.version(), true);
      }
      case Outcome.ConditionFailed f -> {
        if (c.kind() == Command.Kind.COMPARE_AND_SET) {
          yield f.version() == c.expectedVersion() ? null : visibleIs(s, f.version());
        }
        yield conditionHolds(s, c) == null ? pin(s, f.version()) : null;
      }
      case Outcome.Unknown u -> {
        State matched = conditionHolds(s, c);
        yield matched == null ? null
            : new State(c.kind() != Command.Kind.DELETE, c.value(), matched.version() + 1, false);
      }
      case Outcome.Failed f -> throw new IllegalArgumentException("a failed operation never takes effect: " + op);
    };
  }

  /** {@code s}, constrained so that write {@code c} may take effect in it, or null if it may not. */
  private static State conditionHolds(State s, Command c) {
    return switch (c.kind()) {
      case PUT -> s;
      case PUT_IF_ABSENT -> !s.present() || s.value().equals(c.value()) ? s : null;
      case DELETE -> s.present() ? s : null;
      case COMPARE_AND_SET -> visibleIs(s, c.expectedVersion());
      case GET -> throw new IllegalArgumentException("a get writes nothing");
    };
  }

  /** {@code s} with its version pinned to {@code v}, or null if it cannot be {@code v}. */
  private static State pin(State s, long v) {
    if (s.exact()) {
      return s.version() == v ? s : null;
    }
    return v >= s.version() ? new State(s.present(), s.value(), v, true) : null;
  }

  /** {@code s} constrained so that a client sees version {@code v} (0 when absent), or null. */
  private static State visibleIs(State s, long v) {
    if (!s.present()) {
      return v == 0 ? s : null;
    }
    return pin(s, v);
  }
}
