package io.dkv.core.sim;

import io.dkv.protocol.Bytes;
import java.util.List;

/**
 * The sequential specification of one key: get, put, putIfAbsent, delete, compareAndSet, with a
 * version that grows at every successful write (by an amount the system picks).
 *
 * <p>A write that timed out may have taken effect with a version nobody saw. The state then keeps
 * a lower bound instead of the version ({@code exact == false}); the first operation that observes
 * the version pins it. Choosing the smallest admissible value is enough, since every later
 * constraint is either "version equals x" (pin) or "version is below x".
 */
final class RegisterModel {
  private RegisterModel() {}

  /**
   * @param version the key's version (also when absent: a deleted key keeps its version), or its
   *                lower bound when not exact
   */
  record State(boolean present, Bytes value, long version, boolean exact) {
    static final State INITIAL = new State(false, null, 0, true);
  }

  /** The states {@code op} may lead to from {@code s}; empty if it cannot be linearized there. */
  static List<State> apply(State s, HistoryOp op) {
    boolean unknown = op.status == HistoryOp.Status.UNKNOWN;
    return switch (op.kind) {
      case GET -> {
        if (!op.found) {
          yield s.present() ? List.of() : List.of(s);
        }
        yield s.present() && s.value().equals(op.readValue) ? some(pin(s, op.version)) : List.of();
      }
      case PUT -> unknown ? List.of(written(s, op.value)) : commit(s, op);
      case PUT_IF_ABSENT -> {
        boolean allowed = !s.present() || s.value().equals(op.value);
        if (unknown) {
          yield allowed ? List.of(written(s, op.value)) : List.of();
        }
        yield switch (op.status) {
          case OK -> allowed ? commit(s, op) : List.of();
          case CONDITION_FAILED -> allowed ? List.of() : some(pin(s, op.version));
          default -> List.of();
        };
      }
      case DELETE -> {
        if (unknown) {
          yield s.present() ? List.of(new State(false, null, s.version() + 1, false)) : List.of();
        }
        yield switch (op.status) {
          case OK -> s.present() && s.version() < op.version
              ? List.of(new State(false, null, op.version, true)) : List.of();
          case NOT_FOUND -> s.present() ? List.of() : List.of(s);
          default -> List.of();
        };
      }
      case CAS -> {
        if (unknown || op.status == HistoryOp.Status.OK) {
          State matched = visibleIs(s, op.expectedVersion);
          if (matched == null) {
            yield List.of();
          }
          yield unknown ? List.of(written(matched, op.value)) : commit(matched, op);
        }
        if (op.status == HistoryOp.Status.CONDITION_FAILED && op.version != op.expectedVersion) {
          yield some(visibleIs(s, op.version));
        }
        yield List.of();
      }
    };
  }

  private static List<State> commit(State s, HistoryOp op) {
    return s.version() < op.version ? List.of(new State(true, op.value, op.version, true)) : List.of();
  }

  private static State written(State s, Bytes value) {
    return new State(true, value, s.version() + 1, false);
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

  private static List<State> some(State s) {
    return s == null ? List.of() : List.of(s);
  }
}
