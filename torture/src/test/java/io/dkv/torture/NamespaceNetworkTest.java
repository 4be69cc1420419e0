package io.dkv.torture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real network namespaces and nftables rules, with an echo agent process in each of three node
 * namespaces. Traffic between nodes is sent by the agents themselves ({@code probe}), so it starts
 * inside a namespace exactly as a dkv node's would. Needs root; skipped otherwise.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NamespaceNetworkTest {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final int ASK_TIMEOUT_MILLIS = 10_000;
  /** How long a probe that must succeed may take to connect and echo. */
  private static final int REACH_TIMEOUT_MILLIS = 5_000;
  /** How long a probe that must fail waits; every blocked probe uses all of it. */
  private static final int BLOCKED_TIMEOUT_MILLIS = 700;

  @TempDir
  static Path logs;

  private NamespaceNetwork network;
  private ProcessNemesis nemesis;

  @BeforeAll
  void start() {
    Optional<String> unavailable = Host.namespaceUnavailableReason();
    assumeTrue(unavailable.isEmpty(), () -> "network namespace tests skipped: " + unavailable.orElseThrow());
    network = NamespaceNetwork.create(3);
    nemesis = new ProcessNemesis(network, logs);
    for (int i = 0; i < 3; i++) {
      nemesis.start(i, EchoAgent.command(network.listenAddress(i)), EchoAgent.READY, READY_TIMEOUT);
    }
  }

  @AfterEach
  void heal() {
    if (network != null) {
      network.heal();
    }
  }

  @AfterAll
  void stop() {
    if (nemesis != null) {
      nemesis.close();
    }
    if (network != null) {
      network.close();
    }
  }

  /**
   * Node {@code from} connects to {@code target} and echoes a line through it; answers
   * {@code ok <micros>} or {@code failed <reason>}.
   */
  private String probe(int from, InetSocketAddress target, int timeoutMillis) {
    String command = "probe " + target.getAddress().getHostAddress() + " " + target.getPort() + " " + timeoutMillis;
    return LineClient.tryAsk(network.clientAddress(from), command, ASK_TIMEOUT_MILLIS).orElse("agent unreachable");
  }

  /** The two ways a node could send to a peer: the members address (the proxy) and the real address. */
  private List<InetSocketAddress> routes(int from, int to) {
    return List.of(MembersFlag.view(network, from, to), network.listenAddress(to));
  }

  private boolean reaches(int from, int to) {
    return routes(from, to).stream().allMatch(r -> probe(from, r, REACH_TIMEOUT_MILLIS).startsWith("ok "));
  }

  /** Reachable both ways a node can send; a generous timeout, so a slow machine does not fail it. */
  private void assertReaches(int from, int to) {
    for (InetSocketAddress route : routes(from, to)) {
      assertThat(probe(from, route, REACH_TIMEOUT_MILLIS)).as("%s -> %s at %s", NodeIds.of(from), NodeIds.of(to), route)
          .startsWith("ok ");
    }
  }

  /** Blocked both ways a node can send. A fault that holds can never let a probe through. */
  private void assertBlocked(int from, int to) {
    for (InetSocketAddress route : routes(from, to)) {
      assertThat(probe(from, route, BLOCKED_TIMEOUT_MILLIS)).as("%s -> %s at %s", NodeIds.of(from), NodeIds.of(to), route)
          .startsWith("failed ");
    }
  }

  private void awaitReaches(int from, int to) {
    Await.until(NodeIds.of(from) + " reaches " + NodeIds.of(to), Duration.ofSeconds(15), () -> reaches(from, to));
  }

  @Test
  void namespacesHaveNoDefaultRouteAndOnlyTheirPrivateAddress() {
    for (int i = 0; i < 3; i++) {
      String ns = network.namespace(i);
      assertThat(Shell.run("ip", "-n", ns, "route", "show", "default")).isBlank();
      assertThat(Shell.run("ip", "-n", ns, "-4", "-o", "addr", "show").lines()
          .map(l -> l.split("\\s+")[3]).toList())
          .containsExactlyInAnyOrder("127.0.0.1/8", network.listenAddress(i).getAddress().getHostAddress() + "/24");
    }
    assertThat(Shell.run("ip", "-n", network.hubNamespace(), "route", "show")).isBlank();
    assertThat(network.membersFlag(0)).isEqualTo(network.membersFlag(2));
  }

  @Test
  void everyNodeReachesEveryOtherWithoutFaults() {
    for (int from = 0; from < 3; from++) {
      for (int to = 0; to < 3; to++) {
        if (from != to) {
          awaitReaches(from, to);
        }
      }
    }
  }

  @Test
  void cutBlocksBothWaysUntilHealAndLeavesOtherLinksAlone() {
    awaitReaches(0, 1);
    network.cut(0, 1);
    assertBlocked(0, 1);
    assertBlocked(1, 0);
    assertReaches(0, 2);
    assertReaches(2, 1);

    network.heal();
    awaitReaches(0, 1);
    awaitReaches(1, 0);
  }

  @Test
  void oneWayDropLosesOnlyThePacketsOfOneDirection() throws IOException {
    InetSocketAddress node0 = network.listenAddress(0);
    InetSocketAddress node1 = network.listenAddress(1);
    drainDatagrams(0);
    drainDatagrams(1);
    network.dropOneWay(0, 1);

    // TCP needs packets both ways, so connections fail in both directions...
    assertBlocked(0, 1);
    assertBlocked(1, 0);
    // ...while datagrams show the asymmetry: 1 -> 0 arrives, 0 -> 1 is lost.
    sendDatagram(1, node0, "to-0");
    Await.until("node 0 receives node 1's datagram", Duration.ofSeconds(5), () -> datagrams(0).contains("to-0"));
    sendDatagram(0, node1, "lost");
    Await.never("node 1 receives node 0's datagram", Duration.ofMillis(500), () -> datagrams(1).contains("lost"));

    network.heal();
    sendDatagram(0, node1, "after-heal");
    Await.until("node 1 receives node 0's datagram after heal", Duration.ofSeconds(5),
        () -> datagrams(1).contains("after-heal"));
    awaitReaches(0, 1);
  }

  private void sendDatagram(int from, InetSocketAddress to, String text) throws IOException {
    assertThat(LineClient.ask(network.clientAddress(from),
        "udp-send " + to.getAddress().getHostAddress() + " " + to.getPort() + " " + text, ASK_TIMEOUT_MILLIS)).isEqualTo("sent");
  }

  private String datagrams(int node) {
    return LineClient.tryAsk(network.clientAddress(node), "udp-received", ASK_TIMEOUT_MILLIS).orElse("");
  }

  private void drainDatagrams(int node) {
    datagrams(node);
  }

  @Test
  void isolateAndPartitionCutExactlyTheLinksBetweenGroupsButNotClients() {
    network.isolate(2);
    assertBlocked(2, 0);
    assertBlocked(1, 2);
    assertReaches(0, 1);
    assertThat(LineClient.tryAsk(network.clientAddress(2), "client", ASK_TIMEOUT_MILLIS)).contains("client");
    network.heal();

    network.partition(List.of(Set.of(0), Set.of(1, 2)));
    assertBlocked(0, 1);
    assertBlocked(2, 0);
    assertReaches(1, 2);
  }

  @Test
  void delayHoldsTheLinkForAtLeastTheDelay() {
    long delayMillis = 400;
    network.delay(0, 1, delayMillis);
    // Nodes reach each other through their members addresses, which is where the delay acts.
    String reply = probe(0, MembersFlag.view(network, 0, 1), REACH_TIMEOUT_MILLIS);
    assertThat(reply).startsWith("ok ");
    assertThat(Duration.ofNanos(1_000 * Long.parseLong(reply.substring(3)))).isGreaterThanOrEqualTo(Duration.ofMillis(delayMillis));
  }

  @Test
  void pauseSilencesANodeUntilResumeAndKillRestartReplacesIt() {
    InetSocketAddress node1 = network.clientAddress(1);
    nemesis.pause(1);
    assertThat(LineClient.tryAsk(node1, "paused?", 500)).isEmpty();
    nemesis.resume(1);
    assertThat(LineClient.tryAsk(node1, "resumed", ASK_TIMEOUT_MILLIS)).contains("resumed");

    long pid = nemesis.pid(1);
    nemesis.kill9(1);
    assertThat(ProcessHandle.of(pid)).isEmpty();
    assertThat(probe(0, network.listenAddress(1), BLOCKED_TIMEOUT_MILLIS)).startsWith("failed ");
    nemesis.restart(1);
    assertThat(nemesis.pid(1)).isNotEqualTo(pid);
    awaitReaches(0, 1);
  }

  @Test
  void closeRemovesEveryNamespaceVethAndProcessAlsoWhenTheTestThrows() {
    NamespaceNetwork[] created = new NamespaceNetwork[1];
    long[] pid = new long[1];
    assertThatThrownBy(() -> {
      try (NamespaceNetwork net = NamespaceNetwork.create(2); ProcessNemesis processes = new ProcessNemesis(net, logs)) {
        created[0] = net;
        processes.start(0, EchoAgent.command(net.listenAddress(0)), EchoAgent.READY, READY_TIMEOUT);
        pid[0] = processes.pid(0);
        net.cut(0, 1);
        throw new IllegalStateException("the test body failed");
      }
    }).hasMessage("the test body failed");

    NamespaceNetwork net = created[0];
    assertThat(net.runId()).isNotEqualTo(network.runId());
    assertThat(ProcessHandle.of(pid[0])).isEmpty();
    assertThat(Shell.run("ip", "netns", "list").lines().map(l -> l.split(" ")[0]).toList())
        .doesNotContain(net.hubNamespace(), net.namespace(0), net.namespace(1))
        .contains(network.hubNamespace(), network.namespace(0));
    assertThat(Shell.run("ip", "-o", "link", "show")).doesNotContain(net.rootVeth() + "@").contains(network.rootVeth() + "@");
    assertThat(Shell.run("ip", "-4", "-o", "addr", "show")).doesNotContain("10.213." + net.runId() + ".");
    // The network that stays shows that the checks above can see what a live network leaves.
    assertThat(Shell.run("ip", "-4", "-o", "addr", "show")).contains("10.213." + network.runId() + ".");
  }

  @Test
  void shutdownHooksRemoveWhatAnUnclosedHarnessLeft() throws Exception {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AbandonedHarness.class.getName(), logs.toString());
    Process harness = new ProcessBuilder(command).redirectError(logs.resolve("abandoned.err").toFile()).start();
    String[] left = new String(harness.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().split(" ");
    assertThat(harness.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(left).as("names printed by the harness; its stderr is in %s", logs).hasSize(4);

    assertThat(ProcessHandle.of(Long.parseLong(left[3]))).isEmpty();
    assertThat(Shell.run("ip", "netns", "list").lines().map(l -> l.split(" ")[0]).toList())
        .doesNotContain(left[0], left[1]);
    assertThat(Shell.run("ip", "-o", "link", "show")).doesNotContain(left[2] + "@");
  }
}
