package io.dkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static io.dkv.server.RpcAssertions.assertRefused;

import io.dkv.core.eventual.EventualConfig;
import io.dkv.core.eventual.HintConfig;
import io.dkv.core.placement.Partitioner;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage;
import io.dkv.protocol.ClientMessage.CreateNamespaceRequest;
import io.dkv.protocol.ClientMessage.GetRequest;
import io.dkv.protocol.ClientMessage.GetResponse;
import io.dkv.protocol.ClientMessage.NamespaceInfo;
import io.dkv.protocol.ClientMessage.NamespaceMode;
import io.dkv.protocol.ClientMessage.PartitionMapRequest;
import io.dkv.protocol.ClientMessage.PartitionMapResponse;
import io.dkv.protocol.ClientMessage.QuorumGetRequest;
import io.dkv.protocol.ClientMessage.QuorumWriteRequest;
import io.dkv.protocol.ClientMessage.WriteRequest;
import io.dkv.protocol.ClientMessage.WriteResponse;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.Procedure;
import io.dkv.protocol.QuorumLevel;
import io.dkv.rpc.RpcClient;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An eventual namespace served by real nodes in this JVM (RocksDB, the directory on n1, RPC over
 * loopback): quorum writes and reads through the eventual core, with one node stopped, read repair
 * of a replica that missed a write, and hinted handoff to a node that is not a replica.
 */
class EventualNamespaceTest {
  /** A silent replica is handed off after 300 ms; hints are delivered every 200 ms. */
  private static final EventualConfig QUICK_HANDOFF = new EventualConfig(200, 60_000, 100_000, 500,
      new HintConfig(300, 10_000, 100_000, 1 << 20, 600_000, 200));

  @TempDir
  Path dir;

  private final RpcClient rpc = RpcClient.builder().build();
  private final List<NodeConfig> configs = new ArrayList<>();
  private final DkvNode[] nodes = new DkvNode[4];
  private EventualConfig eventualConfig;

  @AfterEach
  void stop() {
    rpc.close();
    for (DkvNode n : nodes) {
      if (n != null) {
        n.close();
      }
    }
  }

  /** {@code count} nodes, RF 3, 16 partitions. */
  private void startCluster(int count, EventualConfig eventual) throws Exception {
    eventualConfig = eventual;
    List<MemberAddress> members = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      members.add(new MemberAddress("n" + i, "127.0.0.1", TestClusters.freePort()));
    }
    List<MemberAddress> voters = List.of(new MemberAddress("n1", "127.0.0.1", TestClusters.freePort()));
    for (MemberAddress m : members) {
      configs.add(new NodeConfig(m.nodeId(), new MemberAddress.HostPort(m.host(), m.port()),
          dir.resolve(m.nodeId()), members, voters, 16, 3, 256, 1 << 20, 5_000, TestClusters.NEVER_DOWN));
    }
    for (int i = 0; i < count; i++) {
      nodes[i] = DkvNode.start(configs.get(i), eventualConfig);
    }
  }

  private void restart(int i) throws Exception {
    nodes[i] = DkvNode.start(configs.get(i), eventualConfig);
  }

  private InetSocketAddress at(int i) {
    return nodes[i].address();
  }

  private ClientMessage call(int node, Procedure p, ClientMessage request, long timeoutMillis) throws Exception {
    return TestClusters.call(rpc, at(node), p, request, Duration.ofMillis(timeoutMillis));
  }

  private long put(int node, String key, String value, QuorumLevel w) throws Exception {
    WriteRequest write = new WriteRequest("logs", Bytes.utf8(key), new Mutation.Put(Bytes.utf8(value)), 0);
    WriteResponse r = w == null
        ? (WriteResponse) call(node, Procedure.PUT, write, 5_000)
        : (WriteResponse) call(node, Procedure.PUT_WITH_QUORUM, new QuorumWriteRequest(write, w), 1_000);
    assertThat(r.status()).isEqualTo(WriteStatus.OK);
    return r.version();
  }

  /** The value a read with R = {@code r} coordinated by {@code node} returns, or null if none. */
  private String get(int node, String key, QuorumLevel r, boolean direct) throws Exception {
    GetRequest get = new GetRequest("logs", Bytes.utf8(key), direct, 0);
    GetResponse g = r == null
        ? (GetResponse) call(node, Procedure.GET, get, 5_000)
        : (GetResponse) call(node, Procedure.GET_WITH_QUORUM, new QuorumGetRequest(get, r), 5_000);
    return g.found() ? g.value().toUtf8() : null;
  }

  @Test
  void quorumWritesAndReadsWithANodeDownAndReadRepairOfTheReplicaThatMissedAWrite() throws Exception {
    startCluster(3, TestClusters.WITHOUT_HANDOFF); // every key has all three nodes as replicas
    call(0, Procedure.CREATE_NAMESPACE,
        new CreateNamespaceRequest(new NamespaceInfo("logs", NamespaceMode.EVENTUAL, 3, 2, 2)), 10_000);

    // The namespace's W = 2 and R = 2, through different coordinators.
    long v1 = put(1, "a", "one", null);
    assertThat(get(2, "a", null, false)).isEqualTo("one");
    assertThat(put(2, "a", "two", QuorumLevel.of(2))).isGreaterThan(v1);
    assertThat(get(0, "a", QuorumLevel.of(2), false)).isEqualTo("two");

    // Conditional writes need a strong namespace.
    WriteRequest cas = new WriteRequest("logs", Bytes.utf8("a"), new Mutation.CompareAndSet(1, Bytes.utf8("x")), 0);
    assertRefused(() -> call(0, Procedure.COMPARE_AND_SET, cas, 5_000), ErrorCode.INVALID_ARGUMENT,
        "compareAndSet is not available on namespace 'logs': it is eventual");
    WriteRequest ifAbsent = new WriteRequest("logs", Bytes.utf8("b"), new Mutation.PutIfAbsent(Bytes.utf8("x")), 0);
    assertRefused(() -> call(0, Procedure.PUT_IF_ABSENT, ifAbsent, 5_000), ErrorCode.INVALID_ARGUMENT,
        "use a strong namespace");

    nodes[2].close(); // n3 stops: every key keeps 2 of its 3 replicas
    nodes[2] = null;
    put(0, "b", "while n3 was down", QuorumLevel.of(2));
    assertThat(get(1, "b", QuorumLevel.of(2), false)).isEqualTo("while n3 was down");
    assertRefused(() -> put(0, "c", "needs all three", QuorumLevel.ALL), ErrorCode.TIMEOUT,
        "only 2 of 3 replicas acknowledged the write, W = 3 were required");

    restart(2); // n3 is back, without the writes it missed
    assertThat(get(2, "b", QuorumLevel.ONE, true)).as("n3 alone, before any repair").isNull();
    assertThat(get(0, "b", QuorumLevel.ALL, false)).isEqualTo("while n3 was down"); // n3 answers stale
    assertThat(pollUntil(() -> get(2, "b", QuorumLevel.ONE, true), "while n3 was down"::equals))
        .as("n3 alone, after the read repaired it").isEqualTo("while n3 was down");
  }

  @Test
  void aWriteWhoseReplicaIsDownIsHandedOffToTheNodeThatIsNotAReplicaAndDeliveredWhenTheReplicaReturns()
      throws Exception {
    startCluster(4, QUICK_HANDOFF);
    call(0, Procedure.CREATE_NAMESPACE,
        new CreateNamespaceRequest(new NamespaceInfo("logs", NamespaceMode.EVENTUAL, 3, 2, 2)), 10_000);
    // A key of which n1 is a replica: n1 coordinates and must stay up (the directory's only voter), so
    // the hint goes to the one node that is not a replica, over the wire.
    PartitionMapResponse map = (PartitionMapResponse) call(0, Procedure.PARTITION_MAP, new PartitionMapRequest(),
        5_000);
    String key = IntStream.iterate(0, k -> k + 1).mapToObj(k -> "k" + k)
        .filter(k -> replicasOf(map, k).contains(0)).findFirst().orElseThrow();
    List<Integer> replicas = replicasOf(map, key);
    int down = replicas.stream().filter(i -> i != 0).findFirst().orElseThrow();
    int holder = IntStream.range(0, 4).filter(i -> !replicas.contains(i)).findFirst().orElseThrow();

    nodes[down].close();
    nodes[down] = null;
    put(0, key, "handed off", null); // W = 2: the two other replicas acknowledge
    assertThat(pollUntil(() -> nodes[holder].hintStats().held(), held -> held == 1))
        .as("node n%d, not a replica, holds a hint for n%d", holder + 1, down + 1).isEqualTo(1);

    restart(down);
    assertThat(pollUntil(() -> get(down, key, QuorumLevel.ONE, true), "handed off"::equals))
        .as("n%d alone, after the hint was delivered", down + 1).isEqualTo("handed off");
    assertThat(pollUntil(() -> nodes[holder].hintStats(), h -> h.held() == 0))
        .as("the hint is deleted once delivered").satisfies(h -> assertThat(h.delivered()).isEqualTo(1));
  }

  /** The indexes in {@link #nodes} of the key's N = 3 replicas ("n3" is nodes[2]). */
  private static List<Integer> replicasOf(PartitionMapResponse map, String key) {
    int[] ids = map.replicas().get(Partitioner.partitionOf("logs", Bytes.utf8(key), map.replicas().size()));
    return Arrays.stream(ids).limit(3)
        .mapToObj(i -> Integer.parseInt(map.members().get(i).nodeId().substring(1)) - 1).toList();
  }

  /** Polls {@code read} until {@code done} accepts its value or 10 s pass; returns the last value. */
  private static <T> T pollUntil(Callable<T> read, Predicate<T> done) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    T value;
    while (!done.test(value = read.call()) && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // the poll period
    }
    return value;
  }
}
