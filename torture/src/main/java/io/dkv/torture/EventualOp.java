package io.dkv.torture;

/**
 * One operation of the eventual workload, as its client saw it: the client's number and the node it
 * is pinned to, the key, what it asked, when ({@link System#nanoTime()}) and what it learned.
 *
 * @param value the put's value (unique per put), or null for a get or delete
 */
record EventualOp(int client, int node, String key, Kind kind, String value, long invokedNanos, long completedNanos,
                  Result result) {

  enum Kind {
    GET, PUT, DELETE;

    boolean isWrite() {
      return this != GET;
    }
  }

  /** What the client learned. */
  sealed interface Result {
    /** Whether the cluster answered the request (a value, "not found", or an acknowledged write). */
    default boolean succeeded() {
      return !(this instanceof Failed);
    }
  }

  /** A put or delete acknowledged by W replicas, at this version (the hybrid clock's 64 bits). */
  record Written(long version) implements Result {}

  /** A get that found a value. */
  record Found(String value, long version) implements Result {}

  /** A get of a key deleted or never written: the client cannot tell which. */
  record NotFound() implements Result {}

  /**
   * No answer: {@code code} is the error the client gave up with ({@code TIMEOUT}: a write's outcome is
   * unknown, it may be on some replicas; {@code UNAVAILABLE}, {@code INVALID_ARGUMENT}, or the exception's
   * class for anything else).
   */
  record Failed(String code, String message) implements Result {}
}
