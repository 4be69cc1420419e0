package io.dkv.client;

/** delete found no such key. Nothing changed. */
public final class KeyNotFoundException extends DkvException {
  public KeyNotFoundException(String message) {
    super(message);
  }
}
