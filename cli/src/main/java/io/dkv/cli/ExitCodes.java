package io.dkv.cli;

import io.dkv.client.ConditionFailedException;
import io.dkv.client.DkvTimeoutException;
import io.dkv.client.DkvUnavailableException;
import io.dkv.client.InvalidRequestException;
import io.dkv.client.KeyNotFoundException;
import io.dkv.server.ConfigException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Maps what went wrong to the documented exit codes. */
final class ExitCodes {
  private ExitCodes() {}

  static int of(Throwable e) {
    return switch (unwrap(e)) {
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
    Throwable t = unwrap(e);
    return t.getMessage() != null ? t.getMessage() : t.toString();
  }

  /** The failure itself, out of the wrappers that futures put around it. */
  private static Throwable unwrap(Throwable e) {
    Throwable t = e;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
