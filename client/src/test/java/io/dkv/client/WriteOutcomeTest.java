package io.dkv.client;

import static io.dkv.client.ScriptedServers.endpoint;
import static io.dkv.client.ScriptedServers.neverAnswers;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcException;
import io.dkv.rpc.RpcServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a failed call tells its caller about the data: a write that may have been applied is
 * "outcome unknown" whatever the last attempt said; one that certainly was not says so; a read
 * says nothing about writes.
 */
class WriteOutcomeTest {
  private final ScriptedServers servers = new ScriptedServers();

  @AfterEach
  void stop() throws Exception {
    servers.close();
  }

  /**
   * Attempts time out after 200 ms, and the request leaves room for several after one that hangs:
   * with 800 ms a loaded machine sometimes answered no attempt after the first in time.
   */
  private static DkvClient client(String endpoints) {
    return DkvClient.builder().endpoints(endpoints)
        .requestTimeout(Duration.ofSeconds(2)).attemptTimeout(Duration.ofMillis(200)).build();
  }

  private static CompletableFuture<byte[]> busy() {
    return CompletableFuture.failedFuture(new RpcException(ErrorCode.BUSY, "node is overloaded"));
  }

  @Test
  void aWriteWhoseFirstAttemptGotNoAnswerHasAnUnknownOutcomeEvenIfLaterOnesWereRefused() throws Exception {
    AtomicInteger puts = new AtomicInteger();
    RpcServer s = servers.serve(RpcServer.builder().handle(Procedure.PUT.id(), (ctx, body) ->
        puts.incrementAndGet() == 1 ? new CompletableFuture<>() : busy()));
    try (DkvClient dkv = client(endpoint(s))) {
      assertThatThrownBy(() -> dkv.put("k", "v")).isInstanceOf(DkvTimeoutException.class)
          .hasMessageContaining("node is overloaded")
          .hasMessageContaining("the write's outcome is unknown");
    }
  }

  @Test
  void anAttemptCutShortByTheDeadlineDoesNotHideTheLastRefusal() throws Exception {
    // Refusals take 150 ms, so the attempt that meets the request's deadline usually has less
    // time than that left and times out; the caller must still learn why the node refused.
    AtomicInteger puts = new AtomicInteger();
    RpcServer s = servers.serve(RpcServer.builder().handle(Procedure.PUT.id(), (ctx, body) ->
        puts.incrementAndGet() == 1 ? new CompletableFuture<>()
            : CompletableFuture.supplyAsync(() -> null,
                CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS)).thenCompose(x -> busy())));
    try (DkvClient dkv = DkvClient.builder().endpoints(endpoint(s))
        .requestTimeout(Duration.ofMillis(800)).attemptTimeout(Duration.ofMillis(200)).build()) {
      assertThatThrownBy(() -> dkv.put("k", "v")).isInstanceOf(DkvTimeoutException.class)
          .hasMessageContaining("node is overloaded")
          .hasMessageContaining("the write's outcome is unknown");
    }
  }

  @Test
  void aWriteEveryNodeRefusedWasNotApplied() throws Exception {
    RpcServer s = servers.serve(RpcServer.builder().handle(Procedure.PUT.id(), (ctx, body) -> busy()));
    try (DkvClient dkv = client(endpoint(s))) {
      assertThatThrownBy(() -> dkv.put("k", "v")).isInstanceOf(DkvUnavailableException.class)
          .hasMessageContaining("node is overloaded")
          .hasMessageContaining("the write was not applied")
          .hasMessageNotContaining("unknown");
    }
  }

  @Test
  void aWriteThatNeverReachedAServerWasNotApplied() throws Exception {
    try (DkvClient dkv = client(ScriptedServers.closedPort())) {
      assertThatThrownBy(() -> dkv.put("k", "v")).isInstanceOf(DkvUnavailableException.class)
          .hasMessageContaining("unreachable")
          .hasMessageContaining("the write was not applied");
    }
  }

  @Test
  void aReadThatTimesOutSaysNothingAboutWrites() throws Exception {
    RpcServer s = servers.serve(RpcServer.builder().handle(Procedure.GET.id(), neverAnswers()));
    try (DkvClient dkv = client(endpoint(s))) {
      assertThatThrownBy(() -> dkv.get("k")).isInstanceOf(DkvTimeoutException.class)
          .hasMessageContaining("key k")
          .hasMessageNotContaining("write");
    }
  }
}
