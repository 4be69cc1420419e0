package io.dkv.client.internal;

import io.dkv.client.DkvException;
import io.dkv.client.DkvTimeoutException;
import io.dkv.client.DkvUnavailableException;
import io.dkv.client.InvalidRequestException;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ErrorCode;
import io.dkv.rpc.RpcException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/** Turns what made a call fail into the public exception that says what happened. */
public final class Failures {
  /** What a failed call may have done to the data. */
  public enum WriteOutcome {
    /** The call was a read (or a status query): nothing to say about writes. */
    NOT_A_WRITE(""),
    /** No attempt can have been applied: each was refused, or never reached a server. */
    NOT_APPLIED("; the write was not applied"),
    /** Some attempt was sent and then timed out or lost its connection: it may have been applied. */
    UNKNOWN("; the write's outcome is unknown: it may or may not have been applied");

    private final String note;

    WriteOutcome(String note) {
      this.note = note;
    }
  }

  private Failures() {}

  /**
   * The exception for a call that failed with {@code failure}.
   *
   * @param key the key the call was about, for the message; null when none
   */
  public static DkvException toDkvException(Throwable failure, Bytes key, WriteOutcome outcome) {
    Throwable t = unwrap(failure);
    if (t instanceof DkvException d) {
      return d;
    }
    String what = key == null ? "" : " (key " + key + ")";
    if (t instanceof TimeoutException) {
      return new DkvTimeoutException("no answer within the request timeout" + what
          + note(outcome, ErrorCode.TIMEOUT), t);
    }
    if (!(t instanceof RpcException re)) {
      return new DkvUnavailableException("request failed" + what + ": " + t + note(outcome, null), t);
    }
    String message = re.getMessage() + what + note(outcome, re.code());
    return switch (re.code()) {
      case TIMEOUT, LOCK_CONFLICT -> new DkvTimeoutException(message, re);
      // After an attempt that may have been applied, a retryable error is no answer either.
      case UNAVAILABLE, BUSY, STALE_EPOCH, NOT_REPLICA -> outcome == WriteOutcome.UNKNOWN
          ? new DkvTimeoutException(message, re) : new DkvUnavailableException(message, re);
      case INVALID_ARGUMENT -> new InvalidRequestException(message);
      default -> new DkvException(re.code() + ": " + message, re);
    };
  }

  /**
   * Only a retryable error (or none known) is a refusal before anything ran; after another error,
   * such as INTERNAL, we cannot promise the write was not applied, so we say nothing.
   */
  private static String note(WriteOutcome outcome, ErrorCode code) {
    boolean refused = code == null || code.retryable();
    return outcome == WriteOutcome.NOT_APPLIED && !refused ? "" : outcome.note;
  }

  /** The failure inside the wrappers that futures put around it. */
  public static Throwable unwrap(Throwable t) {
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
