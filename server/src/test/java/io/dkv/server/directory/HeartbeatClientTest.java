package io.dkv.server.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.client.api.AsyncApi;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;
import org.junit.jupiter.api.Test;

/**
 * Where heartbeats go: to the voter this node believes leads, and on to the next voter when they
 * keep failing and nothing better is known. The clients are fakes whose requests are never
 * answered, as by a voter that was cut off.
 */
class HeartbeatClientTest {
  private static final List<RaftPeerId> VOTERS =
      List.of(RaftPeerId.valueOf("v1"), RaftPeerId.valueOf("v2"), RaftPeerId.valueOf("v3"));

  /** Every client made, in order, with the voter it tries first and whether it was closed. */
  private final List<FakeClient> made = new CopyOnWriteArrayList<>();
  private final AtomicReference<RaftPeerId> hint = new AtomicReference<>();
  private final HeartbeatClient heartbeats = new HeartbeatClient(this::fake, hint::get, VOTERS, 50);

  private record FakeClient(RaftPeerId target, CompletableFuture<Void> closed) {}

  private RaftClient fake(RaftPeerId target) {
    FakeClient client = new FakeClient(target, new CompletableFuture<>());
    made.add(client);
    AsyncApi async = (AsyncApi) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {AsyncApi.class}, (proxy, method, args) -> switch (method.getName()) {
          case "send" -> new CompletableFuture<>(); // never answered
          default -> throw new AssertionError("HeartbeatClient called " + method.getName()
              + ", which a heartbeat never needs");
        });
    return (RaftClient) Proxy.newProxyInstance(getClass().getClassLoader(),
        new Class<?>[] {RaftClient.class}, (proxy, method, args) -> switch (method.getName()) {
          case "async" -> async;
          case "close" -> client.closed().complete(null);
          case "toString" -> "fake client of " + target;
          default -> throw new AssertionError("HeartbeatClient called " + method.getName()
              + ", which a heartbeat never needs");
        });
  }

  @Test
  void followsTheLeaderHintAndClosesTheClientItReplaces() throws Exception {
    assertThat(heartbeats.target()).isEqualTo(VOTERS.get(0));
    hint.set(VOTERS.get(2)); // a new leader was elected
    failed(heartbeats.send(Message.EMPTY));

    assertThat(made).extracting(FakeClient::target).containsExactly(VOTERS.get(0), VOTERS.get(2));
    made.getFirst().closed().get(5, TimeUnit.SECONDS);
    assertThat(made.get(1).closed()).isNotDone();
  }

  /** Regression: every heartbeat kept going to a leader that had been cut off. */
  @Test
  void triesTheNextVoterAfterTwoFailuresInARowWhenTheHintHasNothingBetter() throws Exception {
    failed(heartbeats.send(Message.EMPTY));
    assertThat(heartbeats.target()).isEqualTo(VOTERS.get(0));
    failed(heartbeats.send(Message.EMPTY));
    assertThat(heartbeats.target()).isEqualTo(VOTERS.get(1));

    hint.set(VOTERS.get(1)); // the hint names the voter that just failed twice: move on
    failed(heartbeats.send(Message.EMPTY));
    failed(heartbeats.send(Message.EMPTY));
    assertThat(heartbeats.target()).isEqualTo(VOTERS.get(2));
    hint.set(null);
    failed(heartbeats.send(Message.EMPTY));
    failed(heartbeats.send(Message.EMPTY));
    assertThat(heartbeats.target()).isEqualTo(VOTERS.get(0)); // round the ring
  }

  @Test
  void refusesToSendOnceClosed() throws Exception {
    heartbeats.close();
    assertThat(made.getFirst().closed()).isDone();
    failed(heartbeats.send(Message.EMPTY));
  }

  /** Waits for {@code answer} to fail, as a heartbeat that nobody answered does. */
  private static void failed(CompletableFuture<?> answer) {
    assertThatThrownBy(() -> answer.get(5, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
  }
}
