package io.dkv.server;

/** A configuration value is wrong; the message says which and what is allowed. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message);
  }
}
