package io.dkv.client;

import static io.dkv.client.ScriptedServers.endpoint;
import static io.dkv.client.ScriptedServers.mapOnto;
import static io.dkv.client.ScriptedServers.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.protocol.ClientMessage.WriteResponse;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcException;
import io.dkv.rpc.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client against a scripted server: retryable errors are retried under the same request id,
 * non-retryable ones surface as typed exceptions, and a stale map is fetched again.
 */
class RetryingClientTest {
  private final ScriptedServers servers = new ScriptedServers();
  private final List<Long> putRequestIds = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() throws Exception {
    servers.close();
  }

  private RpcServer serve(RpcServer.Builder b) throws InterruptedException {
    return servers.serve(b);
  }

  @Test
  void retryableErrorsAreRetriedWithTheSameRequestId() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    RpcServer s = serve(RpcServer.builder().handle(Procedure.PUT.id(), (ctx, body) -> {
      putRequestIds.add(ctx.requestId());
      return switch (calls.incrementAndGet()) {
        case 1 -> CompletableFuture.failedFuture(new RpcException(ErrorCode.LOCK_CONFLICT, "locked"));
        case 2 -> CompletableFuture.failedFuture(new RpcException(ErrorCode.TIMEOUT, "slow"));
        default -> written(7);
      };
    }));
    try (DkvClient dkv = DkvClient.builder().endpoints(endpoint(s)).build()) {
      assertThat(dkv.put("k", "v")).isEqualTo(7);
    }
    assertThat(putRequestIds).hasSize(3).containsOnly(putRequestIds.get(0));
  }

  @Test
  void nonRetryableErrorsSurfaceAtOnceAsTypedExceptions() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    RpcServer s = serve(RpcServer.builder()
        .handle(Procedure.PUT.id(), (ctx, body) -> {
          calls.incrementAndGet();
          return CompletableFuture.failedFuture(new RpcException(ErrorCode.INVALID_ARGUMENT, "key too long"));
        })
        .handle(Procedure.PUT_IF_ABSENT.id(), (ctx, body) -> CompletableFuture.completedFuture(
            MessageCodec.encode(new WriteResponse(WriteStatus.CONDITION_FAILED, 4))))
        .handle(Procedure.DELETE.id(), (ctx, body) -> CompletableFuture.completedFuture(
            MessageCodec.encode(new WriteResponse(WriteStatus.NOT_FOUND, 0)))));
    try (DkvClient dkv = DkvClient.builder().endpoints(endpoint(s)).build()) {
      assertThatThrownBy(() -> dkv.put("k", "v")).isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("key too long");
      assertThat(calls).hasValue(1);
      assertThatThrownBy(() -> dkv.putIfAbsent("k", "v"))
          .isInstanceOfSatisfying(ConditionFailedException.class, e -> assertThat(e.currentVersion()).isEqualTo(4));
      assertThatThrownBy(() -> dkv.delete("k")).isInstanceOf(KeyNotFoundException.class);
    }
  }

  @Test
  void retriesStopAtTheRequestTimeoutAndALockedKeyWasNotWritten() throws Exception {
    // Every attempt got a definite refusal, so the write certainly was not applied. The timeout
    // leaves the first answer time to arrive on a loaded machine (300 ms did not always).
    RpcServer s = serve(RpcServer.builder().handle(Procedure.PUT.id(), (ctx, body) ->
        CompletableFuture.failedFuture(new RpcException(ErrorCode.LOCK_CONFLICT, "locked"))));
    try (DkvClient dkv = DkvClient.builder().endpoints(endpoint(s))
        .requestTimeout(Duration.ofSeconds(2)).build()) {
      assertThatThrownBy(() -> dkv.put("k", "v")).isInstanceOf(DkvTimeoutException.class)
          .hasMessageContaining("locked").hasMessageContaining("the write was not applied")
          .hasMessageNotContaining("unknown");
    }
  }

  @Test
  void iterativeRoutingFetchesTheMapAgainWhenItIsStale() throws Exception {
    AtomicInteger mapFetches = new AtomicInteger();
    AtomicInteger puts = new AtomicInteger();
    RpcServer[] self = new RpcServer[1];
    self[0] = serve(RpcServer.builder()
        .handle(Procedure.PARTITION_MAP.id(), (ctx, body) -> {
          mapFetches.incrementAndGet();
          return CompletableFuture.completedFuture(mapOnto(self[0].localAddress(), mapFetches.get(), 8));
        })
        .handle(Procedure.PUT.id(), (ctx, body) -> puts.incrementAndGet() == 1
            ? CompletableFuture.failedFuture(new RpcException(ErrorCode.STALE_EPOCH, "epoch 2 is current"))
            : written(1)));
    try (DkvClient dkv = DkvClient.builder().endpoints(endpoint(self[0])).routing(Routing.ITERATIVE).build()) {
      assertThat(dkv.put("k", "v")).isEqualTo(1);
    }
    assertThat(mapFetches).hasValue(2);
  }
}
