package io.dkv.rpc;

import static io.dkv.rpc.RpcFailureTest.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.ErrorCode;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RpcDedupTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final int INCREMENT = 1;
  private static final int PLAIN = 2;
  private static final int SLOW = 3;
  private static final int FLAKY = 4;

  private final AtomicInteger counter = new AtomicInteger();
  private final AtomicInteger plainRuns = new AtomicInteger();
  private final AtomicInteger slowRuns = new AtomicInteger();
  private final AtomicInteger flakyRuns = new AtomicInteger();
  private final CompletableFuture<byte[]> slowReply = new CompletableFuture<>();
  private final CompletableFuture<Void> slowArrived = new CompletableFuture<>();

  private final RpcServer server = RpcServer.builder()
      .listen("127.0.0.1", 0)
      .handleDeduplicated(INCREMENT, RpcHandler.sync((ctx, body) ->
          new byte[] {(byte) counter.incrementAndGet()}))
      .handle(PLAIN, RpcHandler.sync((ctx, body) ->
          new byte[] {(byte) plainRuns.incrementAndGet()}))
      .handleDeduplicated(SLOW, (ctx, body) -> {
        slowRuns.incrementAndGet();
        slowArrived.complete(null);
        return slowReply;
      })
      .handleDeduplicated(FLAKY, (ctx, body) -> flakyRuns.incrementAndGet() == 1
          ? CompletableFuture.failedFuture(new RpcException(ErrorCode.BUSY, "try later"))
          : CompletableFuture.completedFuture(new byte[] {42}))
      .build();
  private final RpcClient first = RpcClient.builder().build();
  private final RpcClient second = RpcClient.builder().build();

  @AfterEach
  void tearDown() {
    first.close();
    second.close();
    server.close();
  }

  @Test
  void retriedRequestIdGetsTheFirstReplyWithoutRunningAgain() throws Exception {
    InetSocketAddress at = server.start().localAddress();
    long id = first.newRequestId();

    byte[] original = first.call(at, INCREMENT, id, new byte[0], DEADLINE).get(10, TimeUnit.SECONDS);
    // The retry comes on another connection, as after a reconnect.
    byte[] retried = second.call(at, INCREMENT, id, new byte[0], DEADLINE).get(10, TimeUnit.SECONDS);
    byte[] fresh = first.call(at, INCREMENT, new byte[0], DEADLINE).get(10, TimeUnit.SECONDS);

    assertThat(retried).isEqualTo(original).containsExactly(1);
    assertThat(fresh).containsExactly(2);
    assertThat(counter.get()).isEqualTo(2);
    assertThat(server.dedupCacheSize()).isEqualTo(2);
  }

  @Test
  void retryWhileTheFirstRunIsInFlightWaitsForIt() throws Exception {
    InetSocketAddress at = server.start().localAddress();
    long id = first.newRequestId();
    CompletableFuture<byte[]> original = first.call(at, SLOW, id, new byte[0], DEADLINE);
    slowArrived.get(10, TimeUnit.SECONDS);
    CompletableFuture<byte[]> retried = second.call(at, SLOW, id, new byte[0], DEADLINE);

    slowReply.complete(new byte[] {5});

    assertThat(original.get(10, TimeUnit.SECONDS)).containsExactly(5);
    assertThat(retried.get(10, TimeUnit.SECONDS)).containsExactly(5);
    assertThat(slowRuns.get()).isEqualTo(1);
  }

  @Test
  void retryableErrorsAreNotKeptSoTheRetryRunsAgain() throws Exception {
    InetSocketAddress at = server.start().localAddress();
    long id = first.newRequestId();

    assertThat(failure(first.call(at, FLAKY, id, new byte[0], DEADLINE)).code())
        .isEqualTo(ErrorCode.BUSY);
    assertThat(first.call(at, FLAKY, id, new byte[0], DEADLINE).get(10, TimeUnit.SECONDS))
        .containsExactly(42);
    assertThat(first.call(at, FLAKY, id, new byte[0], DEADLINE).get(10, TimeUnit.SECONDS))
        .containsExactly(42);
    assertThat(flakyRuns.get()).isEqualTo(2);
  }

  @Test
  void proceduresWithoutDeduplicationRunEveryTime() throws Exception {
    InetSocketAddress at = server.start().localAddress();
    long id = first.newRequestId();

    first.call(at, PLAIN, id, new byte[0], DEADLINE).get(10, TimeUnit.SECONDS);
    first.call(at, PLAIN, id, new byte[0], DEADLINE).get(10, TimeUnit.SECONDS);

    assertThat(plainRuns.get()).isEqualTo(2);
  }
}
