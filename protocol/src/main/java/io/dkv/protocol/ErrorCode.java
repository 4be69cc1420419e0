package io.dkv.protocol;

/**
 * Error codes carried in error replies. Numbers are part of the wire protocol: never reuse or
 * renumber one; add new codes at the end. A client that receives a code it does not know treats it
 * as {@link #INTERNAL}.
 */
public enum ErrorCode {
  /** The frame or body could not be decoded; the connection is closed after the reply. */
  MALFORMED_FRAME(1, false),
  /** The frame is longer than the receiver's limit; the connection is closed after the reply. */
  FRAME_TOO_LARGE(2, false),
  /** The procedure id is not one this node serves. */
  UNKNOWN_PROCEDURE(3, false),
  /** The protocol version is not one this node speaks. */
  UNSUPPORTED_VERSION(4, false),
  /** A field is out of range: key or value too long, unknown namespace, and so on. */
  INVALID_ARGUMENT(5, false),
  /** Another transaction holds the key's lock; retrying later will likely succeed. */
  LOCK_CONFLICT(6, true),
  /** The deadline passed before the outcome was known: the write may or may not have happened. */
  TIMEOUT(7, true),
  /** Not enough replicas are reachable to serve the request now. */
  UNAVAILABLE(8, true),
  /** The caller's partition map is older than the node's; refresh it and retry. */
  STALE_EPOCH(9, true),
  /** A direct (iterative) request reached a node that is not a replica of the key. */
  NOT_REPLICA(10, true),
  /** The node is shutting down or overloaded. */
  BUSY(11, true),
  /** A bug: the node failed in a way it did not expect. */
  INTERNAL(12, false);

  private final int code;
  private final boolean retryable;

  ErrorCode(int code, boolean retryable) {
    this.code = code;
    this.retryable = retryable;
  }

  public int code() {
    return code;
  }

  /** True when the same request, retried with the same request id, may succeed. */
  public boolean retryable() {
    return retryable;
  }

  public static ErrorCode of(int code) {
    for (ErrorCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    return INTERNAL;
  }
}
