package io.dkv.rpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MalformedMessageException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RpcFailureTest {
  private static final int NEVER = 1;
  private static final int ECHO = 2;
  private static final int FAILS = 3;

  private final RpcClient client = RpcClient.builder()
      .reconnectBackoff(Duration.ofMillis(5), Duration.ofMillis(50))
      .build();
  private RpcServer server;

  @AfterEach
  void tearDown() {
    client.close();
    if (server != null) {
      server.close();
    }
  }

  @Test
  void callWithoutReplyFailsWithTimeoutAtItsDeadline() throws Exception {
    server = RpcServer.builder().listen("127.0.0.1", 0)
        .handle(NEVER, (ctx, body) -> new CompletableFuture<>())
        .build().start();
    long start = System.nanoTime();
    CompletableFuture<byte[]> call =
        client.call(server.localAddress(), NEVER, new byte[0], Duration.ofMillis(200));

    assertThat(failure(call)).satisfies(e -> {
      assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT);
      assertThat(e.getMessage()).contains("may have run");
    });
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(
        TimeUnit.MILLISECONDS.toNanos(200));
  }

  @Test
  void unreachableAddressFailsWithUnavailableAtTheDeadline() throws Exception {
    InetSocketAddress dead = closedPort();
    CompletableFuture<byte[]> call = client.call(dead, ECHO, new byte[0], Duration.ofMillis(300));

    RpcException e = failure(call);
    assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(e.getMessage()).contains(dead.toString()).contains("unreachable");
  }

  @Test
  void callWaitingForARestartedServerIsRetriedWithTheSameRequestId() throws Exception {
    AtomicReference<Long> firstId = new AtomicReference<>();
    CompletableFuture<Void> arrived = new CompletableFuture<>();
    server = RpcServer.builder().listen("127.0.0.1", 0)
        .handle(ECHO, (ctx, body) -> {
          firstId.set(ctx.requestId());
          arrived.complete(null);
          return new CompletableFuture<>(); // the first server never answers
        })
        .build().start();
    InetSocketAddress address = server.localAddress();
    CompletableFuture<byte[]> call = client.call(address, ECHO, new byte[] {7}, Duration.ofSeconds(20));
    arrived.get(10, TimeUnit.SECONDS);

    server.close(); // the connection drops with the call unanswered
    AtomicReference<Long> retriedId = new AtomicReference<>();
    server = RpcServer.builder().listen("127.0.0.1", address.getPort())
        .handle(ECHO, (ctx, body) -> {
          retriedId.set(ctx.requestId());
          return CompletableFuture.completedFuture(body);
        })
        .build().start();

    assertThat(call.get(10, TimeUnit.SECONDS)).containsExactly(7);
    assertThat(retriedId.get()).isEqualTo(firstId.get());
    // A fresh call on the re-made connection works as usual.
    assertThat(client.call(address, ECHO, new byte[] {8}, Duration.ofSeconds(10))
        .get(10, TimeUnit.SECONDS)).containsExactly(8);
  }

  @Test
  void handlerErrorsBecomeErrorRepliesAndTheConnectionStaysUsable() throws Exception {
    server = RpcServer.builder().listen("127.0.0.1", 0)
        .handle(FAILS, (ctx, body) -> switch (body[0]) {
          case 0 -> throw new RpcException(ErrorCode.LOCK_CONFLICT, "key is locked");
          case 1 -> CompletableFuture.failedFuture(new IllegalStateException("boom"));
          case 2 -> CompletableFuture.failedFuture(new MalformedMessageException("bad body"));
          default -> null;
        })
        .handle(ECHO, (ctx, body) -> CompletableFuture.completedFuture(body))
        .build().start();
    InetSocketAddress at = server.localAddress();
    Duration d = Duration.ofSeconds(10);

    RpcException conflict = failure(client.call(at, FAILS, new byte[] {0}, d));
    assertThat(conflict.code()).isEqualTo(ErrorCode.LOCK_CONFLICT);
    assertThat(conflict.getMessage()).isEqualTo("key is locked");
    assertThat(conflict.retryable()).isTrue();

    RpcException internal = failure(client.call(at, FAILS, new byte[] {1}, d));
    assertThat(internal.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(internal.getMessage()).contains("boom");

    assertThat(failure(client.call(at, FAILS, new byte[] {3}, d)).code())
        .isEqualTo(ErrorCode.INTERNAL); // a null future is a handler bug

    RpcException malformed = failure(client.call(at, FAILS, new byte[] {2}, d));
    assertThat(malformed.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
    assertThat(malformed.getMessage()).isEqualTo("bad body");

    // After the malformed reply the server closed the connection; the client reconnects.
    assertThat(client.call(at, ECHO, new byte[] {9}, d).get(10, TimeUnit.SECONDS))
        .containsExactly(9);
  }

  @Test
  void refusedOneWayMessageKeepsTheConnectionOpen() throws Exception {
    java.util.List<java.net.SocketAddress> senders =
        java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    CompletableFuture<Void> accepted = new CompletableFuture<>();
    server = RpcServer.builder().listen("127.0.0.1", 0)
        .handleOneWay(50, (ctx, body) -> {
          senders.add(ctx.remote());
          if (body[0] == 0) {
            throw new RpcException(ErrorCode.INVALID_ARGUMENT, "not a member");
          }
          accepted.complete(null);
        })
        .build().start();

    client.send(server.localAddress(), 50, new byte[] {0});
    client.send(server.localAddress(), 50, new byte[] {1});

    accepted.get(10, TimeUnit.SECONDS);
    // Both came from one client socket: the refusal did not close the connection.
    assertThat(senders).hasSize(2);
    assertThat(senders.get(1)).isEqualTo(senders.get(0));
  }

  @Test
  void unknownProcedureGetsAnErrorReply() throws Exception {
    server = RpcServer.builder().listen("127.0.0.1", 0)
        .handle(ECHO, (ctx, body) -> CompletableFuture.completedFuture(body))
        .build().start();

    RpcException e = failure(client.call(server.localAddress(), 999, new byte[0],
        Duration.ofSeconds(10)));
    assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_PROCEDURE);
    assertThat(e.getMessage()).contains("999").contains("[2]");
  }

  @Test
  void requestLargerThanTheClientLimitFailsWithoutTouchingTheNetwork() throws Exception {
    try (RpcClient small = RpcClient.builder().maxFrameBytes(1024).build()) {
      RpcException e = failure(small.call(closedPort(), ECHO, new byte[1024],
          Duration.ofSeconds(10)));
      assertThat(e.code()).isEqualTo(ErrorCode.FRAME_TOO_LARGE);
    }
  }

  @Test
  void bindingATakenPortFailsClearly() throws Exception {
    server = RpcServer.builder().listen("127.0.0.1", 0).build().start();
    int port = server.localAddress().getPort();
    RpcServer second = RpcServer.builder().listen("127.0.0.1", port).build();

    assertThatThrownBy(second::start)
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(BindException.class)
        .hasMessageContaining("127.0.0.1:" + port);
  }

  @Test
  void closedClientFailsCallsAtOnce() throws Exception {
    client.close();
    assertThat(failure(client.call(closedPort(), ECHO, new byte[0], Duration.ofSeconds(10)))
        .code()).isEqualTo(ErrorCode.UNAVAILABLE);
  }

  /** An address where nothing listens: bound once, then released. */
  static InetSocketAddress closedPort() throws Exception {
    try (RpcServer s = RpcServer.builder().listen("127.0.0.1", 0).build().start()) {
      return s.localAddress();
    }
  }

  static RpcException failure(CompletableFuture<byte[]> call) throws Exception {
    try {
      call.get(15, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      assertThat(e.getCause()).isInstanceOf(RpcException.class);
      return (RpcException) e.getCause();
    }
    throw new AssertionError("the call succeeded but was expected to fail");
  }
}
