package io.dkv.cli;

import io.dkv.client.ConditionFailedException;
import io.dkv.client.DkvTimeoutException;
import io.dkv.client.DkvUnavailableException;
import io.dkv.client.InvalidRequestException;
import io.dkv.client.KeyNotFoundException;
import io.dkv.server.ConfigException;

/** Maps what went wrong to the documented exit codes. */
final class ExitCodes {
  private ExitCodes() {}

  static int of(Throwable e) {
    return switch (e) {
      case ConditionFailedException c -> Main.NOT_FOUND_OR_CONDITION;
      case KeyNotFoundException k -> Main.NOT_FOUND_OR_CONDITION;
      case DkvUnavailableException u -> Main.UNAVAILABLE;
      case DkvTimeoutException t -> Main.UNAVAILABLE;
      case InvalidRequestException i -> Main.USAGE;
      case ConfigException c -> Main.USAGE;
      case IllegalArgumentException i -> Main.USAGE;
      default -> Main.UNAVAILABLE;
    };
  }

  static String message(Throwable e) {
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }
}
