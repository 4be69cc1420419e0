package io.dkv.client;

/**
 * A request failed. Subclasses say how: {@link ConditionFailedException},
 * {@link KeyNotFoundException}, {@link DkvTimeoutException}, {@link DkvUnavailableException},
 * {@link InvalidRequestException}. The message always says what happened.
 */
public class DkvException extends RuntimeException {
  public DkvException(String message) {
    super(message);
  }

  public DkvException(String message, Throwable cause) {
    super(message, cause);
  }
}
