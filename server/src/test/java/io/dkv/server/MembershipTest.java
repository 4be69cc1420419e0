package io.dkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static io.dkv.server.RpcAssertions.assertRefused;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage;
import io.dkv.protocol.ClientMessage.ClusterStatusRequest;
import io.dkv.protocol.ClientMessage.ClusterStatusResponse;
import io.dkv.protocol.ClientMessage.DirectoryChangeResponse;
import io.dkv.protocol.ClientMessage.GetRequest;
import io.dkv.protocol.ClientMessage.GetResponse;
import io.dkv.protocol.ClientMessage.JoinOutcome;
import io.dkv.protocol.ClientMessage.JoinRequest;
import io.dkv.protocol.ClientMessage.JoinResponse;
import io.dkv.protocol.ClientMessage.LeaveRequest;
import io.dkv.protocol.ClientMessage.Member;
import io.dkv.protocol.ClientMessage.MemberState;
import io.dkv.protocol.ClientMessage.MemberMoves;
import io.dkv.protocol.ClientMessage.MemberStatus;
import io.dkv.protocol.ClientMessage.MoveStatusRequest;
import io.dkv.protocol.ClientMessage.MoveStatusResponse;
import io.dkv.protocol.ClientMessage.WriteRequest;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import io.dkv.server.directory.FailureDetection;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * JOIN and LEAVE at the server: a one-node cluster (n1, the directory's only voter, real Ratis and
 * RocksDB) answers them over RPC, and a second node started with {@code join} enters through it.
 */
class MembershipTest {
  @TempDir
  Path dir;

  private final RpcClient rpc = RpcClient.builder().build();

  @AfterEach
  void close() {
    rpc.close();
  }

  private ClientMessage call(InetSocketAddress node, Procedure p, ClientMessage request) throws Exception {
    return TestClusters.call(rpc, node, p, request, Duration.ofSeconds(30));
  }

  private ClientMessage callRaw(InetSocketAddress node, Procedure p, byte[] body) throws Exception {
    return TestClusters.callRaw(rpc, node, p, body, Duration.ofSeconds(30));
  }

  /**
   * As a client does: a STALE_EPOCH answer (the node's view is behind a move) is asked again,
   * polling until the node has caught up.
   */
  private ClientMessage callUntilCurrent(InetSocketAddress node, Procedure p, ClientMessage request)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        return call(node, p, request);
      } catch (RpcException e) {
        if (e.code() != ErrorCode.STALE_EPOCH || System.nanoTime() > deadline) {
          throw e;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // the poll period
      }
    }
  }

  private MemberStatus member(InetSocketAddress via, String nodeId) throws Exception {
    var status = (ClusterStatusResponse) call(via, Procedure.CLUSTER_STATUS, new ClusterStatusRequest());
    return status.members().stream().filter(m -> m.nodeId().equals(nodeId)).findFirst().orElseThrow();
  }

  @Test
  void joinAndLeaveAreAnsweredWithTheDirectorysDecision() throws Exception {
    NodeConfig one = TestClusters.singleNode(dir.resolve("n1"));
    // n2 never runs: a long down-after keeps it from being marked down while the test looks at it.
    NodeConfig config = new NodeConfig(one.nodeId(), one.listen(), one.dataDir(), one.members(),
        one.voters(), one.partitionCount(), one.replicationFactor(), one.maxKeyBytes(),
        one.maxValueBytes(), one.requestTimeoutMillis(), new FailureDetection(500, 3_000, 600_000, 2));
    try (DkvNode n1 = DkvNode.start(config)) {
      InetSocketAddress a = n1.address();
      var voters = config.voters().stream().map(v -> new Member(v.nodeId(), v.host(), v.port())).toList();

      var joined = (JoinResponse) call(a, Procedure.JOIN, new JoinRequest("n2", "127.0.0.1:7402"));
      assertThat(joined).isEqualTo(new JoinResponse(JoinOutcome.ACCEPTED, 2, "", 256, 3, voters));
      assertThat(member(a, "n2")).isEqualTo(new MemberStatus("n2", "127.0.0.1:7402", MemberState.JOINING, 0, false));

      // Asked again (a new request id, as a restarted node asks): it is a member already.
      var again = (JoinResponse) call(a, Procedure.JOIN, new JoinRequest("n2", "127.0.0.1:7402"));
      assertThat(again.outcome()).isEqualTo(JoinOutcome.ALREADY_MEMBER);
      assertThat(again.reason()).contains("node 'n2' already joined");
      assertThat(again.voters()).isEqualTo(voters);

      var moved = (JoinResponse) call(a, Procedure.JOIN, new JoinRequest("n2", "127.0.0.1:7999"));
      assertThat(moved.outcome()).isEqualTo(JoinOutcome.REFUSED);
      assertThat(moved.reason()).isEqualTo("node 'n2' already joined with address 127.0.0.1:7402;"
          + " it cannot join again at 127.0.0.1:7999 (state joining); a node joins once, or again"
          + " after it is removed");
      var badId = (JoinResponse) call(a, Procedure.JOIN, new JoinRequest("bad id!", "127.0.0.1:7403"));
      assertThat(badId.outcome()).isEqualTo(JoinOutcome.REFUSED);
      assertThat(badId.reason()).contains("node id 'bad id!' is invalid; use 1-64 characters");
      var badAddress = (JoinResponse) call(a, Procedure.JOIN, new JoinRequest("n3", "nohost"));
      assertThat(badAddress.reason()).contains("address 'nohost' is not HOST:PORT");
      assertRefused(() -> callRaw(a, Procedure.JOIN, new byte[] {0, 2, 'n'}),
          ErrorCode.MALFORMED_FRAME, "field 'nodeId'");

      assertRefused(() -> call(a, Procedure.LEAVE, new LeaveRequest("n1")), ErrorCode.INVALID_ARGUMENT,
          "cannot remove node 'n1': it is a directory voter");
      assertRefused(() -> call(a, Procedure.LEAVE, new LeaveRequest("ghost")), ErrorCode.INVALID_ARGUMENT,
          "cannot remove node 'ghost': ");
      var left = (DirectoryChangeResponse) call(a, Procedure.LEAVE, new LeaveRequest("n2"));
      // The leader's planner may have started moving partitions to n2 (epoch 3) before this.
      assertThat(left.epoch()).isGreaterThan(joined.epoch());
      assertThat(member(a, "n2").state()).isEqualTo(MemberState.LEAVING);
      // The moves as n1 sees them: n2, not running, never copies a partition to hold it.
      var moves = (MoveStatusResponse) call(a, Procedure.MOVE_STATUS, new MoveStatusRequest());
      assertThat(moves.node()).isEqualTo("n1");
      assertThat(moves.epoch()).isGreaterThanOrEqualTo(left.epoch());
      assertThat(moves.members()).extracting(MemberMoves::nodeId).containsExactly("n1", "n2");
      assertThat(moves.members().get(1).partitions()).isZero();
      assertRefused(() -> call(a, Procedure.LEAVE, new LeaveRequest("n2")), ErrorCode.INVALID_ARGUMENT,
          "cannot remove node 'n2': ");
      assertRefused(() -> callRaw(a, Procedure.LEAVE, new byte[] {0}), ErrorCode.MALFORMED_FRAME, "nodeId");

      // None of that bad input took the node down. (A read: a write may need n2, which the
      // planner may have made a learner, and n2 is not running.)
      var read = (GetResponse) call(a, Procedure.GET, new GetRequest("default", Bytes.utf8("k"), false, 0));
      assertThat(read.found()).isFalse();
    }
  }

  @Test
  void aNodeStartedWithJoinServesAndRestartsWithTheSameConfigButNotAtAnotherAddress() throws Exception {
    try (DkvNode n1 = DkvNode.start(TestClusters.reachableSingleNode(dir.resolve("n1")))) {
      var via = new MemberAddress.HostPort("127.0.0.1", n1.address().getPort());
      var listen = new MemberAddress.HostPort("127.0.0.1", TestClusters.freePort());
      NodeConfig n2Config = NodeConfig.joining("n2", listen, dir.resolve("n2"), via);
      try (DkvNode n2 = DkvNode.start(n2Config)) {
        // Joining, or up already if the leader has moved its share to it.
        assertThat(member(n1.address(), "n2").state()).isIn(MemberState.JOINING, MemberState.UP);
        assertThat(member(n2.address(), "n1").voter()).isTrue();
        assertThat(member(n2.address(), "n2").voter()).isFalse();
        // n2 coordinates the write, and serves the read or forwards it to n1.
        callUntilCurrent(n2.address(), Procedure.PUT, new WriteRequest("default", Bytes.utf8("k"),
            new Mutation.Put(Bytes.utf8("via n2")), 0));
        var read = (GetResponse) callUntilCurrent(n2.address(), Procedure.GET,
            new GetRequest("default", Bytes.utf8("k"), false, 0));
        assertThat(read.value()).isEqualTo(Bytes.utf8("via n2"));
      }
      try (DkvNode restarted = DkvNode.start(n2Config)) {
        assertThat(member(restarted.address(), "n2").state()).isIn(MemberState.JOINING, MemberState.UP);
      }
      var elsewhere = new MemberAddress.HostPort("127.0.0.1", TestClusters.freePort());
      assertThatThrownBy(() -> DkvNode.start(NodeConfig.joining("n2", elsewhere, dir.resolve("n2"), via)))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("node n2 cannot join through " + via + ": node 'n2' already joined"
              + " with address " + listen + "; it cannot join again at " + elsewhere);
    }
  }
}
