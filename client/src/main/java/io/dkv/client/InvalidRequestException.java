package io.dkv.client;

/** The cluster refused the request as invalid (key too long, unknown namespace, ...). */
public final class InvalidRequestException extends DkvException {
  public InvalidRequestException(String message) {
    super(message);
  }
}
