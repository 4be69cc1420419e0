package io.dkv.client.internal;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * Sends one request and retries it on retryable errors (lock conflict, timeout, unavailable,
 * stale map, busy) with exponential backoff and jitter until the request's deadline. Every attempt
 * carries the same request id, so the cluster applies a write at most once however often it is
 * retried.
 */
public final class RetryingCaller {
  private static final long MIN_BACKOFF_MILLIS = 2;
  private static final long MAX_BACKOFF_MILLIS = 200;

  private final RpcClient rpc;
  private final Router router;
  private final Duration timeout;

  public RetryingCaller(RpcClient rpc, Router router, Duration timeout) {
    this.rpc = rpc;
    this.router = router;
    this.timeout = timeout;
  }

  /**
   * @param body the request body for a given map epoch (it changes when the map is refreshed)
   * @return the response body; fails with the last {@link RpcException} when retries run out
   */
  public CompletableFuture<byte[]> call(Procedure procedure, String namespace, Bytes key,
                                        boolean write, LongFunction<byte[]> body) {
    long requestId = rpc.newRequestId();
    long deadlineNanos = System.nanoTime() + timeout.toNanos();
    CompletableFuture<byte[]> result = new CompletableFuture<>();
    attempt(procedure, namespace, key, write, body, requestId, deadlineNanos, 0, result);
    return result;
  }

  private void attempt(Procedure procedure, String namespace, Bytes key, boolean write,
                       LongFunction<byte[]> body, long requestId, long deadlineNanos, int attempt,
                       CompletableFuture<byte[]> result) {
    router.route(namespace, key, write).thenCompose(target -> {
      long remainingNanos = deadlineNanos - System.nanoTime();
      if (remainingNanos <= 0) {
        throw new RpcException(ErrorCode.TIMEOUT, "deadline passed before the request could be sent");
      }
      return rpc.call(target.address(), procedure.id(), requestId, body.apply(target.epoch()),
              Duration.ofNanos(remainingNanos))
          .whenComplete((ok, err) -> {
            if (err != null && code(err) == ErrorCode.UNAVAILABLE) {
              router.unreachable(target.address());
            }
          });
    }).whenComplete((bytes, err) -> {
      if (err == null) {
        result.complete(bytes);
        return;
      }
      Throwable cause = unwrap(err);
      ErrorCode code = code(cause);
      if (code == ErrorCode.STALE_EPOCH || code == ErrorCode.NOT_REPLICA) {
        router.invalidate();
      }
      long backoffMillis = backoffMillis(attempt);
      boolean timeLeft = System.nanoTime() + backoffMillis * 1_000_000 < deadlineNanos;
      if (code != null && code.retryable() && timeLeft) {
        Executor later = CompletableFuture.delayedExecutor(backoffMillis, TimeUnit.MILLISECONDS);
        later.execute(() -> attempt(procedure, namespace, key, write, body, requestId,
            deadlineNanos, attempt + 1, result));
      } else {
        result.completeExceptionally(cause);
      }
    });
  }

  private static long backoffMillis(int attempt) {
    long cap = Math.min(MAX_BACKOFF_MILLIS, MIN_BACKOFF_MILLIS << Math.min(attempt, 20));
    return ThreadLocalRandom.current().nextLong(MIN_BACKOFF_MILLIS, cap + 1);
  }

  static Throwable unwrap(Throwable t) {
    while (t instanceof CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** The error code of a failure; transport failures without a code count as UNAVAILABLE. */
  private static ErrorCode code(Throwable t) {
    t = unwrap(t);
    if (t instanceof RpcException re) {
      return re.code();
    }
    return t instanceof java.io.IOException ? ErrorCode.UNAVAILABLE : null;
  }
}
