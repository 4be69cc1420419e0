package io.dkv.client.internal;

import io.dkv.client.DkvException;
import io.dkv.client.internal.Failures.WriteOutcome;
import io.dkv.client.internal.Router.Target;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;

/**
 * Sends one request and retries it on retryable errors (lock conflict, timeout, unavailable,
 * stale map, busy) with exponential backoff and jitter until the request's deadline. Every attempt
 * carries the same request id, so the cluster applies a write at most once however often it is
 * retried.
 *
 * <p>Each attempt gets at most the attempt timeout, so a node that accepts the request and never
 * answers (stopped process, partition) costs one attempt, not the whole request: it is marked
 * unreachable in the router and the next attempt goes elsewhere.
 */
public final class RetryingCaller {
  private static final long MIN_BACKOFF_MILLIS = 2;
  private static final long MAX_BACKOFF_MILLIS = 200;
  /** How long past the deadline a call may stay incomplete before the backstop fails it. */
  static final long BACKSTOP_SLACK_MILLIS = 500;

  private final RpcClient rpc;
  private final Router router;
  private final Duration requestTimeout;
  private final Duration attemptTimeout;

  /**
   * @param requestTimeout how long one call may take, retries included
   * @param attemptTimeout how long one attempt may take; at most {@code requestTimeout}
   */
  public RetryingCaller(RpcClient rpc, Router router, Duration requestTimeout, Duration attemptTimeout) {
    if (attemptTimeout.compareTo(requestTimeout) > 0) {
      throw new IllegalArgumentException("attempt timeout " + attemptTimeout
          + " exceeds the request timeout " + requestTimeout);
    }
    this.rpc = rpc;
    this.router = router;
    this.requestTimeout = requestTimeout;
    this.attemptTimeout = attemptTimeout;
  }

  /**
   * Never blocks, and the returned future always completes, at the latest shortly after the
   * request timeout.
   *
   * @param body the request body for a given map epoch (it changes when the map is refreshed)
   * @return the response body; fails with a {@link io.dkv.client.DkvException} that says what
   *     went wrong and, for a write, whether it may have been applied
   */
  public CompletableFuture<byte[]> call(Procedure procedure, String namespace, Bytes key,
                                        boolean write, LongFunction<byte[]> body) {
    Call call = new Call(procedure, namespace, key, write, body, rpc.newRequestId(),
        System.nanoTime() + requestTimeout.toNanos());
    call.attempt(0);
    return call.result
        .orTimeout(requestTimeout.toMillis() + BACKSTOP_SLACK_MILLIS, TimeUnit.MILLISECONDS)
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(call.failure(e)));
  }

  /** One call's attempts. Attempts run one after another, each on whichever thread ended the last. */
  private final class Call {
    private final Procedure procedure;
    private final String namespace;
    private final Bytes key;
    private final boolean write;
    private final LongFunction<byte[]> body;
    private final long requestId;
    private final long deadlineNanos;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    /** Some attempt was sent and got no definite answer. Invariant: once true, stays true. */
    private volatile boolean mayHaveRun;
    /** No attempt is in flight or will start: the attempts ended the call, not the backstop. */
    private volatile boolean attemptsEnded;
    /** The last definite answer a node gave (an error other than a timeout), or null. */
    private volatile Throwable lastAnswer;
    /** Whether the last attempt sent had less than a full attempt timeout before the deadline. */
    private volatile boolean lastAttemptCutShort;

    Call(Procedure procedure, String namespace, Bytes key, boolean write, LongFunction<byte[]> body,
         long requestId, long deadlineNanos) {
      this.procedure = procedure;
      this.namespace = namespace;
      this.key = key;
      this.write = write;
      this.body = body;
      this.requestId = requestId;
      this.deadlineNanos = deadlineNanos;
    }

    void attempt(int attempt) {
      if (result.isDone()) {
        return; // the backstop ended the call
      }
      try {
        long remainingNanos = Math.max(0, deadlineNanos - System.nanoTime());
        router.route(namespace, key, write)
            .orTimeout(remainingNanos, TimeUnit.NANOSECONDS) // a map fetch must not outlive the call
            .thenCompose(this::send)
            .whenComplete((bytes, err) -> onAttemptEnded(attempt, bytes, err));
      } catch (RuntimeException e) { // a bug in a router or encoder must still end the call
        end(null, e);
      }
    }

    private CompletableFuture<byte[]> send(Target target) {
      long now = System.nanoTime();
      long remainingNanos = deadlineNanos - now;
      if (remainingNanos <= 0) {
        throw new RpcException(ErrorCode.TIMEOUT, "deadline passed before the request could be sent");
      }
      long attemptNanos = Math.min(remainingNanos, attemptTimeout.toNanos());
      lastAttemptCutShort = attemptNanos < attemptTimeout.toNanos();
      long attemptDeadlineNanos = now + attemptNanos;
      return rpc.call(target.address(), procedure.id(), requestId, body.apply(target.epoch()),
              Duration.ofNanos(attemptNanos))
          .whenComplete((ok, err) -> {
            if (err != null) {
              onAttemptFailed(target.address(), code(err), attemptDeadlineNanos);
            }
          });
    }

    private void onAttemptFailed(InetSocketAddress address, ErrorCode code, long attemptDeadlineNanos) {
      if (code == ErrorCode.TIMEOUT) {
        mayHaveRun = true; // sent (or a node says its outcome is unknown): it may have run
      }
      boolean attemptTimedOut = code == ErrorCode.TIMEOUT && System.nanoTime() - attemptDeadlineNanos >= 0;
      if (code == ErrorCode.UNAVAILABLE || attemptTimedOut) {
        router.unreachable(address);
      }
    }

    private void onAttemptEnded(int attempt, byte[] bytes, Throwable err) {
      try {
        if (err == null) {
          end(bytes, null);
        } else {
          retryOrFail(attempt, err);
        }
      } catch (RuntimeException e) {
        end(null, e);
      }
    }

    private void retryOrFail(int attempt, Throwable err) {
      ErrorCode code = code(err);
      if (code == ErrorCode.STALE_EPOCH || code == ErrorCode.NOT_REPLICA) {
        router.invalidate();
      }
      long backoffMillis = backoffMillis(attempt);
      boolean timeLeft = System.nanoTime() + backoffMillis * 1_000_000 < deadlineNanos;
      if (code != null && code.retryable() && timeLeft) {
        if (code != ErrorCode.TIMEOUT) {
          lastAnswer = err;
        }
        CompletableFuture.delayedExecutor(backoffMillis, TimeUnit.MILLISECONDS)
            .execute(() -> attempt(attempt + 1));
      } else if (code == ErrorCode.TIMEOUT && lastAttemptCutShort && lastAnswer != null) {
        // The last attempt only ran into the request's deadline (it may have been given a few
        // milliseconds): the last answer a node gave says more. The outcome stays as unknown as
        // the timeout made it.
        end(null, lastAnswer);
      } else {
        end(null, err);
      }
    }

    private void end(byte[] bytes, Throwable err) {
      attemptsEnded = true;
      if (err == null) {
        result.complete(bytes);
      } else {
        result.completeExceptionally(Failures.unwrap(err));
      }
    }

    /** The exception the caller sees; the backstop may have ended the call mid-attempt. */
    DkvException failure(Throwable e) {
      WriteOutcome outcome = !write ? WriteOutcome.NOT_A_WRITE
          : mayHaveRun || !attemptsEnded ? WriteOutcome.UNKNOWN
          : WriteOutcome.NOT_APPLIED;
      return Failures.toDkvException(e, key, outcome);
    }
  }

  private static long backoffMillis(int attempt) {
    long cap = Math.min(MAX_BACKOFF_MILLIS, MIN_BACKOFF_MILLIS << Math.min(attempt, 20));
    return ThreadLocalRandom.current().nextLong(MIN_BACKOFF_MILLIS, cap + 1);
  }

  /** The error code of a failure; transport failures without a code count as UNAVAILABLE. */
  private static ErrorCode code(Throwable t) {
    t = Failures.unwrap(t);
    return switch (t) {
      case RpcException re -> re.code();
      case IOException io -> ErrorCode.UNAVAILABLE;
      case TimeoutException te -> ErrorCode.TIMEOUT;
      default -> null;
    };
  }
}
