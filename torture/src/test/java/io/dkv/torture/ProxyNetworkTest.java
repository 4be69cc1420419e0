package io.dkv.torture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The loopback proxy network, with echo agents in this JVM standing in for three nodes. */
class ProxyNetworkTest {
  private static final int TIMEOUT_MILLIS = 5_000;
  private static final Duration BLOCKED_WINDOW = Duration.ofMillis(400);

  private ProxyNetwork network;
  private final List<EchoAgent> agents = new ArrayList<>();

  @BeforeEach
  void start() throws IOException {
    network = ProxyNetwork.create(3);
    for (int i = 0; i < 3; i++) {
      agents.add(new EchoAgent(network.listenAddress(i)));
    }
  }

  @AfterEach
  void stop() {
    agents.forEach(EchoAgent::close);
    network.close();
  }

  private InetSocketAddress view(int from, int to) {
    return MembersFlag.view(network, from, to);
  }

  private boolean reaches(int from, int to) {
    return LineClient.tryAsk(view(from, to), "hello", TIMEOUT_MILLIS).equals(Optional.of("hello"));
  }

  @Test
  void eachNodeSeesItselfDirectlyAndEveryPeerThroughItsOwnProxy() {
    assertThat(view(0, 0)).isEqualTo(network.listenAddress(0));
    assertThat(view(0, 1)).isNotEqualTo(network.listenAddress(1)).isNotEqualTo(view(2, 1));
    assertThat(network.membersFlag(1)).startsWith("n1@127.0.0.1:").contains(",n2@127.0.0.1:" + network.listenAddress(1).getPort() + ",");
    assertThat(network.commandPrefix(0)).isEmpty();
    assertThat(reaches(0, 1)).isTrue();
    assertThat(reaches(1, 0)).isTrue();
  }

  @Test
  void cutClosesTheLinksConnectionsAndResetsNewOnesUntilHeal() throws IOException {
    try (LineClient established = new LineClient(view(0, 1), TIMEOUT_MILLIS)) {
      established.send("before");
      assertThat(established.readLine(TIMEOUT_MILLIS)).contains("before");

      network.cut(0, 1);

      assertThatThrownBy(() -> established.readLine(TIMEOUT_MILLIS)).isInstanceOf(IOException.class);
    }
    assertThat(reaches(0, 1)).isFalse();
    assertThat(reaches(1, 0)).isFalse();
    assertThat(reaches(0, 2)).isTrue();
    assertThat(reaches(2, 1)).isTrue();

    network.heal();

    assertThat(reaches(0, 1)).isTrue();
    assertThat(reaches(1, 0)).isTrue();
  }

  @Test
  void oneWayDropHoldsOnlyThatDirectionAndDeliversTheHeldBytesAfterHeal() throws IOException {
    try (LineClient fromNode0 = new LineClient(view(0, 1), TIMEOUT_MILLIS)) {
      network.dropOneWay(0, 1);
      fromNode0.send("held");
      Await.never("node 1 receives what node 0 sent", BLOCKED_WINDOW, () -> agents.get(1).received().contains("held"));

      network.heal();
      assertThat(fromNode0.readLine(TIMEOUT_MILLIS)).contains("held");

      network.dropOneWay(1, 0);
      fromNode0.send("half");
      Await.until("node 1 receives what node 0 sent", Duration.ofSeconds(5),
          () -> agents.get(1).received().contains("half"));
      assertThat(fromNode0.readLine((int) BLOCKED_WINDOW.toMillis())).as("node 1's reply is held").isEmpty();

      network.heal();
      assertThat(fromNode0.readLine(TIMEOUT_MILLIS)).contains("half");
    }
  }

  @Test
  void delayHoldsEveryChunkForAtLeastTheDelayAndKeepsOrder() throws IOException {
    long delayMillis = 300;
    network.delay(0, 1, delayMillis);
    network.delay(1, 0, delayMillis);
    try (LineClient c = new LineClient(view(0, 1), TIMEOUT_MILLIS)) {
      long start = System.nanoTime();
      c.send("timed");
      assertThat(c.readLine(TIMEOUT_MILLIS)).contains("timed");
      // Lower bound only: the proxy cannot deliver early, however fast or slow the machine is.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(2 * delayMillis));

      for (int i = 0; i < 50; i++) {
        c.send("line " + i);
      }
      for (int i = 0; i < 50; i++) {
        assertThat(c.readLine(TIMEOUT_MILLIS)).contains("line " + i);
      }
    }
    assertThat(reaches(0, 2)).isTrue();
  }

  @Test
  void isolateAndPartitionCutExactlyTheLinksBetweenGroups() {
    network.isolate(2);
    assertThat(reaches(2, 0)).isFalse();
    assertThat(reaches(1, 2)).isFalse();
    assertThat(reaches(0, 1)).isTrue();
    network.heal();

    network.partition(List.of(Set.of(0), Set.of(1, 2)));
    assertThat(reaches(0, 1)).isFalse();
    assertThat(reaches(2, 0)).isFalse();
    assertThat(reaches(1, 2)).isTrue();
    assertThat(reaches(2, 1)).isTrue();
  }

  @Test
  void badFaultsAreRejectedWithWhatIsAllowed() {
    assertThatThrownBy(() -> network.partition(List.of(Set.of(0), Set.of(1))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leave out [2]");
    assertThatThrownBy(() -> network.partition(List.of(Set.of(0, 1), Set.of(1, 2))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("n2 is in two groups");
    assertThatThrownBy(() -> network.cut(1, 1)).hasMessageContaining("two different nodes");
    assertThatThrownBy(() -> network.dropOneWay(0, 3)).hasMessageContaining("allowed 0 to 2");
    assertThatThrownBy(() -> network.delay(0, 1, -5)).hasMessageContaining("allowed 0 or more");
    assertThatThrownBy(() -> ProxyNetwork.create(0)).hasMessageContaining("allowed 1 to 50");
  }

  @Test
  void closeEndsRelayedConnectionsAndRelaysNothingMore() throws IOException {
    InetSocketAddress proxy = view(0, 1);
    try (LineClient established = new LineClient(proxy, TIMEOUT_MILLIS)) {
      established.send("before");
      assertThat(established.readLine(TIMEOUT_MILLIS)).contains("before");

      network.close();

      assertThatThrownBy(() -> established.readLine(TIMEOUT_MILLIS)).isInstanceOf(IOException.class);
    }
    // The freed port could be taken by any other program, so check that nothing reaches node 1
    // through it rather than that connecting fails.
    LineClient.tryAsk(proxy, "after close", 1_000);
    assertThat(agents.get(1).received()).containsExactly("before");
  }
}
