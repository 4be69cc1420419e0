package io.dkv.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.client.DkvException;
import io.dkv.client.DkvTimeoutException;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Every call ends, whatever its router does: no failure may leave the caller waiting forever. */
class RetryingCallerTest {
  private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(500);
  /** Far past the request timeout: reaching it means the call would have hung. */
  private static final long HANG_SECONDS = 10;

  private final RpcClient rpc = RpcClient.builder().build();

  @AfterEach
  void close() {
    rpc.close();
  }

  /** A router that answers each route() with what {@code routes} gives; nothing else matters. */
  private static Router router(Supplier<CompletableFuture<Router.Target>> routes) {
    return new Router() {
      @Override
      public CompletableFuture<Target> route(String namespace, Bytes key, boolean write) {
        return routes.get();
      }

      @Override
      public void unreachable(InetSocketAddress address) {}

      @Override
      public void invalidate() {}

      @Override
      public boolean direct() {
        return false;
      }
    };
  }

  private Throwable failureOf(Router router) throws Exception {
    CompletableFuture<byte[]> call = new RetryingCaller(rpc, router, REQUEST_TIMEOUT, REQUEST_TIMEOUT)
        .call(Procedure.PUT, "default", Bytes.copyOf(new byte[] {'k'}), true, epoch -> new byte[0]);
    try {
      call.get(HANG_SECONDS, TimeUnit.SECONDS);
      throw new AssertionError("the call succeeded");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void anExceptionThrownByARetryEndsTheCall() throws Exception {
    AtomicInteger routes = new AtomicInteger();
    Throwable failure = failureOf(router(() -> {
      if (routes.incrementAndGet() == 1) {
        return CompletableFuture.failedFuture(new RpcException(ErrorCode.BUSY, "busy"));
      }
      throw new IllegalStateException("router bug");
    }));
    assertThat(routes).hasValue(2);
    assertThat(failure).isInstanceOf(DkvException.class).hasMessageContaining("router bug");
  }

  @Test
  void aRouteThatNeverCompletesEndsAtTheDeadlineAndNothingWasSent() throws Exception {
    Throwable failure = failureOf(router(CompletableFuture::new));
    assertThat(failure).isInstanceOf(DkvTimeoutException.class)
        .hasMessageContaining("the write was not applied");
  }
}
