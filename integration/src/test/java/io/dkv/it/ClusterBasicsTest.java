package io.dkv.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.client.ConditionFailedException;
import io.dkv.client.DkvClient;
import io.dkv.client.DkvUnavailableException;
import io.dkv.client.InvalidRequestException;
import io.dkv.client.KeyNotFoundException;
import io.dkv.client.Routing;
import io.dkv.client.Versioned;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.WriteRequest;
import io.dkv.protocol.ClientMessage.WriteResponse;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Every operation against 3 real server processes, in both routing modes, and the CLI. */
class ClusterBasicsTest {
  @TempDir
  static Path dir;

  static ProcessCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    cluster = new ProcessCluster(dir, 3).startAll();
  }

  @AfterAll
  static void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static DkvClient client(Routing routing) {
    return DkvClient.builder().endpoints(cluster.endpoints()).routing(routing)
        .requestTimeout(Duration.ofSeconds(10)).build();
  }

  @ParameterizedTest
  @EnumSource(Routing.class)
  void operationsKeepTheirContract(Routing routing) {
    String k = "contract-" + routing;
    try (DkvClient dkv = client(routing)) {
      assertThat(dkv.get(k)).isEmpty();
      long v1 = dkv.put(k, "a");
      assertThat(dkv.get(k)).contains(new Versioned("a".getBytes(), v1));

      long v2 = dkv.putIfAbsent(k, "a"); // same value: the seed's PUT succeeds
      assertThat(v2).isGreaterThan(v1);
      assertThatThrownBy(() -> dkv.putIfAbsent(k, "b"))
          .isInstanceOfSatisfying(ConditionFailedException.class, e -> assertThat(e.currentVersion()).isEqualTo(v2));

      assertThatThrownBy(() -> dkv.compareAndSet(k, v1, "c"))
          .isInstanceOfSatisfying(ConditionFailedException.class, e -> assertThat(e.currentVersion()).isEqualTo(v2));
      long v3 = dkv.compareAndSet(k, v2, "c");
      assertThat(v3).isGreaterThan(v2);
      assertThat(dkv.get(k).map(Versioned::valueAsString)).contains("c");

      long v4 = dkv.delete(k);
      assertThat(v4).isGreaterThan(v3);
      assertThat(dkv.get(k)).isEmpty();
      assertThatThrownBy(() -> dkv.delete(k)).isInstanceOf(KeyNotFoundException.class);

      long v5 = dkv.compareAndSet(k, 0, "reborn"); // 0 = absent
      assertThat(v5).as("versions keep growing across a delete").isGreaterThan(v4);
    }
  }

  @Test
  void everyNodeServesTheSameCommittedValue() {
    try (DkvClient writer = client(Routing.RECURSIVE)) {
      long v = writer.put("everywhere", "same");
      for (int i = 0; i < cluster.size(); i++) {
        try (DkvClient one = DkvClient.builder().endpoints(cluster.endpoint(i)).build()) {
          assertThat(one.get("everywhere")).contains(new Versioned("same".getBytes(), v));
        }
      }
    }
  }

  /**
   * Concurrent read-modify-write through different coordinators: with per-key try-locks and 2PC,
   * no increment is lost and none is applied twice.
   */
  @Test
  void compareAndSetCounterLosesNoIncrementAcrossCoordinators() throws Exception {
    int clients = 4;
    int incrementsEach = 25;
    try (DkvClient setup = client(Routing.RECURSIVE)) {
      setup.put("counter", "0");
    }
    java.util.concurrent.atomic.AtomicInteger conflicts = new java.util.concurrent.atomic.AtomicInteger();
    try (var pool = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
      List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
      for (int c = 0; c < clients; c++) {
        String endpoint = cluster.endpoint(c % cluster.size());
        done.add(pool.submit(() -> {
          try (DkvClient dkv = DkvClient.builder().endpoints(endpoint).build()) {
            for (int i = 0; i < incrementsEach; ) {
              Versioned current = dkv.get("counter").orElseThrow();
              long next = Long.parseLong(current.valueAsString()) + 1;
              try {
                dkv.compareAndSet("counter", current.version(), Long.toString(next));
                i++;
              } catch (ConditionFailedException lostTheRace) {
                conflicts.incrementAndGet();
              }
            }
          }
          return null;
        }));
      }
      for (var f : done) {
        f.get(120, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
    try (DkvClient dkv = client(Routing.ITERATIVE)) {
      assertThat(dkv.get("counter").orElseThrow().valueAsString())
          .isEqualTo(Integer.toString(clients * incrementsEach));
    }
    assertThat(conflicts.get()).as("the clients really raced").isPositive();
  }

  /**
   * At most once across coordinators: a write retried under its first request id through another
   * node returns the first outcome and does not apply again, even after someone else overwrote it.
   */
  @Test
  void aRetriedWriteThroughAnotherCoordinatorIsAppliedOnce() throws Exception {
    try (RpcClient rpc = RpcClient.builder().build(); DkvClient dkv = client(Routing.RECURSIVE)) {
      long requestId = rpc.newRequestId();
      byte[] body = MessageCodec.encode(new WriteRequest(
          "default", Bytes.utf8("once"), new Mutation.Put(Bytes.utf8("first")), 0));
      var first = (WriteResponse) MessageCodec.decodeResponse(
          Procedure.PUT, rpc.call(cluster.address(0), Procedure.PUT.id(),
              requestId, body, Duration.ofSeconds(10)).get());
      long overwritten = dkv.put("once", "second");
      var retry = (WriteResponse) MessageCodec.decodeResponse(
          Procedure.PUT, rpc.call(cluster.address(1), Procedure.PUT.id(),
              requestId, body, Duration.ofSeconds(10)).get());
      assertThat(retry.version()).as("the retry reports the first commit").isEqualTo(first.version());
      assertThat(dkv.get("once")).as("the retry did not apply again")
          .contains(new Versioned("second".getBytes(), overwritten));
    }
  }

  @Test
  void badRequestsGetClearErrorsAndChangeNothing() {
    try (DkvClient dkv = client(Routing.RECURSIVE)) {
      byte[] longKey = new byte[257];
      assertThatThrownBy(() -> dkv.put(longKey, new byte[1]))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("1..256 bytes");
      assertThat(dkv.get(new byte[256])).isEmpty();
      try (DkvClient other = DkvClient.builder().endpoints(cluster.endpoints()).namespace("nope").build()) {
        assertThatThrownBy(() -> other.put("k", "v"))
            .isInstanceOf(InvalidRequestException.class).hasMessageContaining("namespace 'nope' does not exist");
      }
      // the nodes still serve
      assertThat(dkv.put("after-bad-input", "ok")).isPositive();
    }
  }

  @Test
  void unreachableClusterIsReportedAsUnavailable() throws Exception {
    int port;
    try (var s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    try (DkvClient dkv = DkvClient.builder().endpoints("127.0.0.1:" + port)
        .requestTimeout(Duration.ofMillis(500)).build()) {
      assertThatThrownBy(() -> dkv.get("k")).isInstanceOf(DkvUnavailableException.class);
    }
  }

  @Test
  void cliExitCodesAndJson() throws Exception {
    String c = "--cluster=" + cluster.endpoints();
    assertThat(Cli.run("put", c, "cli-key", "v1").exitCode()).isZero();
    Cli.Result get = Cli.run("get", c, "--json", "cli-key");
    assertThat(get.exitCode()).isZero();
    assertThat(get.stdout()).contains("\"value\":\"v1\"").contains("\"found\":true");
    assertThat(Cli.run("get", c, "missing-key").exitCode()).isEqualTo(1);
    assertThat(Cli.run("put", c, "--if-absent", "cli-key", "other").exitCode()).isEqualTo(1);
    assertThat(Cli.run("cas", c, "cli-key", "999999", "x").exitCode()).isEqualTo(1);
    assertThat(Cli.run("del", c, "missing-key").exitCode()).isEqualTo(1);
    assertThat(Cli.run("put", c).exitCode()).as("missing arguments").isEqualTo(2);
    assertThat(Cli.run("get", "--cluster=127.0.0.1:1", "--timeout=0.5", "k").exitCode()).isEqualTo(3);
    Cli.Result status = Cli.run("status", c);
    assertThat(status.exitCode()).isZero();
    assertThat(status.stdout()).contains("3/3 nodes up");
  }

  @Test
  void cliClusterStatusAndNamespaces() throws Exception {
    String c = "--cluster=" + cluster.endpoints();
    Cli.Result status = Cli.run("cluster", "status", c, "--json");
    assertThat(status.exitCode()).as(status.stderr()).isZero();
    assertThat(status.stdout()).contains("\"node\":\"n1\"").contains("\"state\":\"up\"")
        .contains("\"partitionCount\":256");
    assertThat(Cli.run("ns", "create", "cli-ns", c).exitCode()).isZero();
    assertThat(Cli.run("ns", "create", "cli-ns", c).exitCode()).as("already exists").isEqualTo(1);
    assertThat(Cli.run("put", c, "--ns", "cli-ns", "ns-key", "in-ns").exitCode()).isZero();
    assertThat(Cli.run("get", c, "--ns", "cli-ns", "ns-key").stdout()).contains("in-ns");
    assertThat(Cli.run("get", c, "ns-key").exitCode()).as("not in default").isEqualTo(1);
    assertThat(Cli.run("ns", "list", c).stdout()).contains("cli-ns").contains("default");
    assertThat(Cli.run("ns", "drop", "cli-ns", c).exitCode()).isZero();
    Cli.Result gone = Cli.run("get", c, "--ns", "cli-ns", "ns-key");
    assertThat(gone.exitCode()).isEqualTo(2);
    assertThat(gone.stderr()).contains("namespace 'cli-ns' does not exist");
  }
}
