package io.dkv.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RpcRoundTripTest {
  private static final Duration DEADLINE = Duration.ofSeconds(10);
  private static final int ECHO = 1;
  private static final int HELD = 2;
  private static final int EVENTS = 40;

  private final List<CompletableFuture<byte[]>> held = new ArrayList<>();
  private final CountDownLatch allHeld = new CountDownLatch(500);
  private final ConcurrentLinkedQueue<Integer> events = new ConcurrentLinkedQueue<>();
  private final CountDownLatch eventsSeen = new CountDownLatch(2_000);
  private final ConcurrentLinkedQueue<RequestContext> contexts = new ConcurrentLinkedQueue<>();

  private final RpcServer server = RpcServer.builder()
      .listen("127.0.0.1", 0)
      .handle(ECHO, (ctx, body) -> {
        contexts.add(ctx);
        return CompletableFuture.completedFuture(body);
      })
      .handle(HELD, (ctx, body) -> {
        // Replies are held until every request has arrived, then sent in reverse order.
        CompletableFuture<byte[]> f = new CompletableFuture<>();
        synchronized (held) {
          held.add(f);
        }
        allHeld.countDown();
        return f.thenApply(x -> body);
      })
      .handleOneWay(EVENTS, (ctx, body) -> {
        events.add(ByteBuffer.wrap(body).getInt());
        eventsSeen.countDown();
      })
      .build();
  private final RpcClient client = RpcClient.builder().build();

  @AfterEach
  void tearDown() {
    client.close();
    server.close();
  }

  @Test
  void requestGetsItsResponse() throws Exception {
    server.start();
    byte[] reply = client.call(server.localAddress(), ECHO, utf8("hello"), DEADLINE)
        .get(10, TimeUnit.SECONDS);

    assertThat(new String(reply, StandardCharsets.UTF_8)).isEqualTo("hello");
    RequestContext ctx = contexts.peek();
    assertThat(ctx.procedureId()).isEqualTo(ECHO);
    assertThat(ctx.hasDeadline()).isTrue();
    // The deadline arrived in the header: at most the caller's 10 s from now.
    long remaining = ctx.remainingNanos(System.nanoTime());
    assertThat(remaining).isPositive().isLessThanOrEqualTo(DEADLINE.toNanos());
  }

  @Test
  void emptyBodiesAndLargeBodiesRoundTrip() throws Exception {
    server.start();
    byte[] large = new byte[3 << 20];
    for (int i = 0; i < large.length; i++) {
      large[i] = (byte) (i * 31);
    }
    assertThat(client.call(server.localAddress(), ECHO, new byte[0], DEADLINE).get(10,
        TimeUnit.SECONDS)).isEmpty();
    assertThat(client.call(server.localAddress(), ECHO, large, DEADLINE).get(10,
        TimeUnit.SECONDS)).isEqualTo(large);
  }

  @Test
  void manyConcurrentRequestsAreMatchedToTheirReplies() throws Exception {
    server.start();
    List<CompletableFuture<byte[]>> replies = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      replies.add(client.call(server.localAddress(), HELD, utf8("request " + i), DEADLINE));
    }
    assertThat(allHeld.await(10, TimeUnit.SECONDS)).isTrue();
    List<CompletableFuture<byte[]>> toComplete;
    synchronized (held) {
      toComplete = new ArrayList<>(held);
    }
    for (int i = toComplete.size() - 1; i >= 0; i--) {
      toComplete.get(i).complete(null);
    }
    for (int i = 0; i < 500; i++) {
      assertThat(new String(replies.get(i).get(10, TimeUnit.SECONDS), StandardCharsets.UTF_8))
          .isEqualTo("request " + i);
    }
  }

  @Test
  void oneWayMessagesArriveInOrder() throws Exception {
    server.start();
    for (int i = 0; i < 2_000; i++) {
      client.send(server.localAddress(), EVENTS, ByteBuffer.allocate(4).putInt(i).array());
    }
    assertThat(eventsSeen.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(new ArrayList<>(events)).isEqualTo(
        java.util.stream.IntStream.range(0, 2_000).boxed().toList());
    assertThat(client.droppedOneWayMessages()).isZero();
  }

  @Test
  void requestIdsAreUniqueAndNeverZero() {
    long first = client.newRequestId();
    long second = client.newRequestId();
    assertThat(second).isEqualTo(first + 1 == 0 ? 1 : first + 1);
    assertThat(first).isNotZero();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
