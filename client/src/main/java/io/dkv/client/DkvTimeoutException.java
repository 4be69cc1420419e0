package io.dkv.client;

/**
 * The deadline passed before the outcome was known: a write may or may not have been applied.
 * Retrying it with the same call is safe only through the client's own retries (same request id);
 * a new call is a new request.
 */
public final class DkvTimeoutException extends DkvException {
  public DkvTimeoutException(String message, Throwable cause) {
    super(message, cause);
  }
}
