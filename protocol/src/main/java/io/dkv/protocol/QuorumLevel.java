package io.dkv.protocol;

import java.util.Locale;
import java.util.Objects;

/**
 * How many replicas a request of an eventual namespace waits for, as a user says it: a number, or
 * {@code quorum} (a majority of N) or {@code all} (N), which the coordinating node resolves against
 * the namespace's N. {@code one} is the number 1. On the wire: {@code kind u8, count i32}
 * (docs/protocol.md §3).
 *
 * @param count the number of replicas for {@link Kind#COUNT} (the server judges it against N);
 *              0 for the others
 */
public record QuorumLevel(Kind kind, int count) {
  /** Codes on the wire: never renumber one. */
  public enum Kind {
    COUNT(1), QUORUM(2), ALL(3);

    private final int code;

    Kind(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  public static final QuorumLevel ONE = new QuorumLevel(Kind.COUNT, 1);
  public static final QuorumLevel QUORUM = new QuorumLevel(Kind.QUORUM, 0);
  public static final QuorumLevel ALL = new QuorumLevel(Kind.ALL, 0);

  public QuorumLevel {
    Objects.requireNonNull(kind, "kind");
    if (kind != Kind.COUNT && count != 0) {
      throw new IllegalArgumentException(kind + " names no count; got " + count);
    }
  }

  /** Exactly {@code count} replicas (1..N; the coordinating node refuses others). */
  public static QuorumLevel of(int count) {
    return new QuorumLevel(Kind.COUNT, count);
  }

  /**
   * A level as a user writes it: {@code one}, {@code quorum}, {@code all} (any case) or a whole
   * number of at least 1.
   *
   * @param what what the level is for, for the error message ({@code "--w"})
   * @throws IllegalArgumentException naming the text and what is allowed
   */
  public static QuorumLevel parse(String what, String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "one" -> {
        return ONE;
      }
      case "quorum" -> {
        return QUORUM;
      }
      case "all" -> {
        return ALL;
      }
      default -> {
        try {
          int count = Integer.parseInt(t);
          if (count >= 1) {
            return of(count);
          }
        } catch (NumberFormatException e) {
          // the same message as a number below 1
        }
        throw new IllegalArgumentException(what + " '" + text + "' is not a quorum level; allowed:"
            + " one, quorum, all or a whole number from 1 to N (the namespace's replicas)");
      }
    }
  }

  /** The number of replicas this level means for a key with {@code n} replicas. */
  public int resolve(int n) {
    return switch (kind) {
      case COUNT -> count;
      case QUORUM -> n / 2 + 1;
      case ALL -> n;
    };
  }

  @Override
  public String toString() {
    return switch (kind) {
      case COUNT -> count == 1 ? "one" : Integer.toString(count);
      case QUORUM -> "quorum";
      case ALL -> "all";
    };
  }
}
