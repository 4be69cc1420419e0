package io.dkv.client;

/**
 * The request did not complete before its deadline. For a write the message ends by saying which
 * of two cases it is: the outcome is unknown (an attempt was sent and then timed out or lost its
 * connection, so the write may or may not have been applied), or the write was not applied
 * (every attempt was refused, for example by a lock conflict with another writer). Retrying a write
 * whose outcome is unknown is safe only through the client's own retries (same request id); a new
 * call is a new request.
 */
public final class DkvTimeoutException extends DkvException {
  public DkvTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
