package io.dkv.server;

import static io.dkv.server.RpcAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage;
import io.dkv.protocol.ClientMessage.CreateNamespaceRequest;
import io.dkv.protocol.ClientMessage.GetRequest;
import io.dkv.protocol.ClientMessage.GetResponse;
import io.dkv.protocol.ClientMessage.NamespaceInfo;
import io.dkv.protocol.ClientMessage.NamespaceMode;
import io.dkv.protocol.ClientMessage.QuorumGetRequest;
import io.dkv.protocol.ClientMessage.QuorumWriteRequest;
import io.dkv.protocol.ClientMessage.RepairRequest;
import io.dkv.protocol.ClientMessage.RepairResponse;
import io.dkv.protocol.ClientMessage.WriteRequest;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.Procedure;
import io.dkv.protocol.QuorumLevel;
import io.dkv.rpc.RpcClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Anti-entropy on demand with three real nodes in this JVM (RocksDB, the directory on n1, RPC over
 * loopback): a node that missed writes while it was down gets them from REPAIR, and only them.
 */
class EventualRepairTest {
  private static final int PARTITIONS = 8;
  private static final int KEYS = 20;

  @TempDir
  Path dir;

  private final RpcClient rpc = RpcClient.builder().build();
  private final List<NodeConfig> configs = new ArrayList<>();
  private final DkvNode[] nodes = new DkvNode[3];

  @AfterEach
  void stop() {
    rpc.close();
    for (DkvNode n : nodes) {
      if (n != null) {
        n.close();
      }
    }
  }

  private void startCluster() throws Exception {
    List<MemberAddress> members = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      members.add(new MemberAddress("n" + i, "127.0.0.1", TestClusters.freePort()));
    }
    List<MemberAddress> voters = List.of(new MemberAddress("n1", "127.0.0.1", TestClusters.freePort()));
    for (MemberAddress m : members) {
      configs.add(new NodeConfig(m.nodeId(), new MemberAddress.HostPort(m.host(), m.port()),
          dir.resolve(m.nodeId()), members, voters, PARTITIONS, 3, 256, 1 << 20, 5_000, TestClusters.NEVER_DOWN));
    }
    for (int i = 0; i < 3; i++) {
      nodes[i] = DkvNode.start(configs.get(i), TestClusters.WITHOUT_HANDOFF);
    }
  }

  private ClientMessage call(int node, Procedure p, ClientMessage request, long timeoutMillis) throws Exception {
    return TestClusters.call(rpc, nodes[node].address(), p, request, Duration.ofMillis(timeoutMillis));
  }

  /** What {@code node}'s own replica holds for the key: a direct read with R = 1 asks only itself. */
  private String local(int node, String key) throws Exception {
    GetRequest get = new GetRequest("logs", Bytes.utf8(key), true, 0);
    GetResponse g = (GetResponse) call(node, Procedure.GET_WITH_QUORUM, new QuorumGetRequest(get, QuorumLevel.ONE),
        5_000);
    return g.found() ? g.value().toUtf8() + "@" + g.version() : null;
  }

  private RepairResponse repair(int node, String namespace) throws Exception {
    return (RepairResponse) call(node, Procedure.REPAIR, new RepairRequest(namespace), 30_000);
  }

  @Test
  void aNodeThatMissedWritesGetsExactlyThemFromARepair() throws Exception {
    startCluster();
    call(0, Procedure.CREATE_NAMESPACE,
        new CreateNamespaceRequest(new NamespaceInfo("logs", NamespaceMode.EVENTUAL, 3, 2, 2)), 10_000);
    call(0, Procedure.CREATE_NAMESPACE,
        new CreateNamespaceRequest(new NamespaceInfo("accounts", NamespaceMode.STRONG, 3, 3, 1)), 10_000);
    for (int i = 0; i < KEYS; i++) {
      put("before-" + i, "v" + i, QuorumLevel.ALL); // on all three before the first repair
    }
    RepairResponse nothing = repair(2, "logs");
    assertThat(nothing.sessions()).as("one per partition and other replica").isEqualTo(PARTITIONS * 2);
    assertThat(nothing.keysDiffered()).as("every write reached all three").isZero();

    nodes[2].close(); // n3 stops and misses what follows
    nodes[2] = null;
    for (int i = 0; i < KEYS; i++) {
      put("missed-" + i, "m" + i, QuorumLevel.of(2));
    }
    nodes[2] = DkvNode.start(configs.get(2), TestClusters.WITHOUT_HANDOFF);
    // A coordinator's last re-sends to n3 can wait in its connection's queue and reach n3 once it is
    // back (a clean-clone CI run saw 2 of 20), so count the missed keys n3 still lacks.
    long lacking = 0;
    for (int i = 0; i < KEYS; i++) {
      lacking += local(2, "missed-" + i) == null ? 1 : 0;
    }
    assertThat(lacking).as("n3 alone, before the repair, lacks missed writes").isPositive();

    RepairResponse r = repair(2, "logs");
    assertThat(r.node()).isEqualTo("n3");
    assertThat(r.errors()).isEmpty();
    assertThat(r.sessions()).isEqualTo(PARTITIONS * 2);
    // n3 learns each key it lacked from n1 or n2 (from both when its two sessions of a partition overlap).
    assertThat(r.keysDiffered()).isBetween(lacking, 2L * KEYS);
    assertThat(r.valuesShipped()).isBetween(lacking, 2L * KEYS);
    // The values shipped to n3 reached it before the answers that ended its sessions (one connection, in
    // order) and were synced before the sessions' results left its loop: no waiting needed.
    for (int i = 0; i < KEYS; i++) {
      assertThat(local(2, "missed-" + i)).as("missed-" + i).isNotNull().isEqualTo(local(0, "missed-" + i));
      assertThat(local(2, "before-" + i)).as("before-" + i).isEqualTo(local(1, "before-" + i));
    }
    assertThat(repair(0, "").keysDiffered()).as("all replicas equal now").isZero();

    assertRefused(() -> repair(0, "accounts"), ErrorCode.INVALID_ARGUMENT,
        "namespace 'accounts' is strong: every write reaches all its replicas before it is acknowledged");
    assertRefused(() -> repair(0, "nope"), ErrorCode.INVALID_ARGUMENT, "namespace 'nope' does not exist");
  }

  private void put(String key, String value, QuorumLevel w) throws Exception {
    WriteRequest write = new WriteRequest("logs", Bytes.utf8(key), new Mutation.Put(Bytes.utf8(value)), 0);
    call(0, Procedure.PUT_WITH_QUORUM, new QuorumWriteRequest(write, w), 5_000);
  }
}
