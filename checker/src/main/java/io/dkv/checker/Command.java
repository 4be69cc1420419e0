package io.dkv.checker;

/**
 * What a client asked of one key's register: the operation and its arguments.
 *
 * @param value           the value written by PUT, PUT_IF_ABSENT and COMPARE_AND_SET; null otherwise
 * @param expectedVersion COMPARE_AND_SET: the version the key must be at (0: absent); 0 otherwise
 */
public record Command(Kind kind, String value, long expectedVersion) {
  /** The register's operations, as dkv's strong namespaces offer them. */
  public enum Kind {
    GET, PUT, PUT_IF_ABSENT, DELETE, COMPARE_AND_SET;

    boolean writes() {
      return this != GET;
    }

    boolean takesValue() {
      return this == PUT || this == PUT_IF_ABSENT || this == COMPARE_AND_SET;
    }
  }

  public Command {
    if (kind == null) {
      throw new IllegalArgumentException("a command needs a kind, one of GET, PUT, PUT_IF_ABSENT, DELETE, COMPARE_AND_SET");
    }
    if (kind.takesValue() != (value != null)) {
      throw new IllegalArgumentException(kind + (kind.takesValue() ? " needs a value" : " takes no value, got " + value));
    }
    if (expectedVersion < 0 || (kind != Kind.COMPARE_AND_SET && expectedVersion != 0)) {
      throw new IllegalArgumentException("expected version " + expectedVersion + " for " + kind
          + ": only COMPARE_AND_SET takes one, and it must be >= 0 (0: the key is absent)");
    }
  }

  public static Command get() {
    return new Command(Kind.GET, null, 0);
  }

  public static Command put(String value) {
    return new Command(Kind.PUT, value, 0);
  }

  public static Command putIfAbsent(String value) {
    return new Command(Kind.PUT_IF_ABSENT, value, 0);
  }

  public static Command delete() {
    return new Command(Kind.DELETE, null, 0);
  }

  public static Command compareAndSet(long expectedVersion, String value) {
    return new Command(Kind.COMPARE_AND_SET, value, expectedVersion);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case GET -> "get";
      case DELETE -> "delete";
      case PUT -> "put(" + value + ")";
      case PUT_IF_ABSENT -> "putIfAbsent(" + value + ")";
      case COMPARE_AND_SET -> "compareAndSet(v" + expectedVersion + ", " + value + ")";
    };
  }
}
