package io.dkv.client;

/**
 * No node could serve the request (all unreachable, or the key's replicas are not available). For
 * a write the message says whether it may have been applied.
 */
public final class DkvUnavailableException extends DkvException {
  public DkvUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
