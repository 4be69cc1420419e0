package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dkv.protocol.ClientMessage.ClusterStatusResponse;
import io.dkv.protocol.ClientMessage.CreateNamespaceRequest;
import io.dkv.protocol.ClientMessage.DirectoryChangeResponse;
import io.dkv.protocol.ClientMessage.DropNamespaceRequest;
import io.dkv.protocol.ClientMessage.LeaveRequest;
import io.dkv.protocol.ClientMessage.MemberState;
import io.dkv.protocol.ClientMessage.MemberStatus;
import io.dkv.protocol.ClientMessage.NamespaceInfo;
import io.dkv.protocol.ClientMessage.NamespaceMode;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcException;
import io.dkv.rpc.RpcServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code dkv cluster} and {@code dkv ns}: argument checks that need no cluster, and what the
 * commands send, print and exit with against a scripted node.
 */
class NamespaceCommandTest {
  private static final ClusterStatusResponse STATUS = new ClusterStatusResponse(12, "n1", 16, 3,
      List.of(new MemberStatus("n1", "127.0.0.1:7401", MemberState.UP, 16, true)),
      List.of(new NamespaceInfo("default", NamespaceMode.STRONG, 3, 3, 1)));

  private final List<NamespaceInfo> created = Collections.synchronizedList(new ArrayList<>());
  private final List<String> dropped = Collections.synchronizedList(new ArrayList<>());
  private final List<String> removed = Collections.synchronizedList(new ArrayList<>());
  private RpcServer node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  /**
   * A node that answers cluster status, creates anything, refuses to drop anything, and lets n4
   * leave at epoch 7 but refuses every other node.
   */
  private String scriptedNode() throws InterruptedException {
    node = RpcServer.builder().listen("127.0.0.1", 0)
        .handle(Procedure.CLUSTER_STATUS.id(), (ctx, body) ->
            CompletableFuture.completedFuture(MessageCodec.encode(STATUS)))
        .handle(Procedure.CREATE_NAMESPACE.id(), (ctx, body) -> {
          created.add(((CreateNamespaceRequest) MessageCodec.decodeRequest(Procedure.CREATE_NAMESPACE, body)).namespace());
          return CompletableFuture.completedFuture(MessageCodec.encode(new DirectoryChangeResponse(13)));
        })
        .handle(Procedure.DROP_NAMESPACE.id(), (ctx, body) -> {
          String name = ((DropNamespaceRequest) MessageCodec.decodeRequest(Procedure.DROP_NAMESPACE, body)).name();
          dropped.add(name);
          return CompletableFuture.failedFuture(new RpcException(ErrorCode.INVALID_ARGUMENT,
              "namespace '" + name + "' does not exist"));
        })
        .handle(Procedure.LEAVE.id(), (ctx, body) -> {
          String nodeId = ((LeaveRequest) MessageCodec.decodeRequest(Procedure.LEAVE, body)).nodeId();
          removed.add(nodeId);
          return nodeId.equals("n4")
              ? CompletableFuture.completedFuture(MessageCodec.encode(new DirectoryChangeResponse(7)))
              : CompletableFuture.failedFuture(new RpcException(ErrorCode.INVALID_ARGUMENT,
                  "cannot remove node '" + nodeId + "': node '" + nodeId + "' is unknown"));
        })
        .build().start();
    return "127.0.0.1:" + node.localAddress().getPort();
  }

  @Test
  void eventualDefaultsWAndRToAMajorityAndWarnsWhenReadsMayMissWrites() throws Exception {
    String cluster = scriptedNode();
    Run majority = Run.of("ns", "create", "logs", "--mode", "eventual", "--cluster", cluster);
    assertThat(majority.exitCode()).isEqualTo(Main.OK);
    assertThat(majority.err()).isEmpty();
    assertThat(majority.out().strip()).isEqualTo("created namespace logs (eventual, N=3 W=2 R=2) at directory epoch 13");
    Run fast = Run.of("ns", "create", "fast", "--mode", "EVENTUAL", "--w", "1", "--r", "1", "--cluster", cluster);
    assertThat(fast.exitCode()).isEqualTo(Main.OK);
    assertThat(fast.err().strip()).isEqualTo("dkv: warning: R + W = 2 is not more than N = 3: a read may miss the"
        + " latest acknowledged write (choose R + W > N to see it)");
    assertThat(created).containsExactly(new NamespaceInfo("logs", NamespaceMode.EVENTUAL, 3, 2, 2),
        new NamespaceInfo("fast", NamespaceMode.EVENTUAL, 3, 1, 1));
  }

  @Test
  void badArgumentsAreUsageErrorsThatSayWhatIsAllowed() {
    Run unknownMode = Run.of("ns", "create", "logs", "--mode", "quorum");
    assertThat(unknownMode.exitCode()).isEqualTo(Main.USAGE);
    assertThat(unknownMode.err()).contains("'quorum' is not a namespace mode; use strong or eventual");
    for (String[] option : List.of(new String[] {"--n", "0"}, new String[] {"--w", "-1"}, new String[] {"--r", "x"})) {
      Run run = Run.of("ns", "create", "logs", option[0], option[1]);
      assertThat(run.exitCode()).as("%s %s", option[0], option[1]).isEqualTo(Main.USAGE);
      assertThat(run.err()).contains("'" + option[1] + "' is not a replica count; give a whole number, 1 or more");
    }
    Run noName = Run.of("ns", "create");
    assertThat(noName.exitCode()).isEqualTo(Main.USAGE);
    assertThat(noName.err()).contains("NAME");
  }

  @Test
  void aParentWithoutItsSubcommandIsAUsageErrorListingThem() {
    Run ns = Run.of("ns");
    assertThat(ns.exitCode()).isEqualTo(Main.USAGE);
    assertThat(ns.err()).contains("Missing required subcommand", "create", "list", "drop");
    Run cluster = Run.of("cluster");
    assertThat(cluster.exitCode()).isEqualTo(Main.USAGE);
    assertThat(cluster.err()).contains("Missing required subcommand", "status", "remove");
  }

  @Test
  void createDefaultsNToTheReplicationFactorWToNAndRToOne() throws Exception {
    Run run = Run.of("ns", "create", "orders", "--cluster", scriptedNode());
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(Main.OK);
    assertThat(run.out().strip()).isEqualTo("created namespace orders (strong, N=3 W=3 R=1) at directory epoch 13");
    assertThat(created).containsExactly(new NamespaceInfo("orders", NamespaceMode.STRONG, 3, 3, 1));
  }

  @Test
  void givenCountsAreSentAsGivenForTheDirectoryToJudge() throws Exception {
    Run run = Run.of("ns", "create", "orders", "--n", "2", "--w", "1", "--r", "2", "--json",
        "--cluster", scriptedNode());
    assertThat(run.exitCode()).isEqualTo(Main.OK);
    assertThat(created).containsExactly(new NamespaceInfo("orders", NamespaceMode.STRONG, 2, 1, 2));
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("ok").asBoolean()).isTrue();
    assertThat(json.get("epoch").asLong()).isEqualTo(13);
    assertThat(json.at("/namespace/n").asInt()).isEqualTo(2);
  }

  @Test
  void aRefusalByTheDirectoryExitsWithOneAndItsReason() throws Exception {
    String cluster = scriptedNode();
    Run text = Run.of("ns", "drop", "ghost", "--cluster", cluster);
    assertThat(text.exitCode()).isEqualTo(DirectoryCommand.REFUSED).isEqualTo(1);
    assertThat(text.err()).contains("dkv: namespace 'ghost' does not exist");
    Run json = Run.of("ns", "drop", "ghost", "--json", "--cluster", cluster);
    assertThat(json.exitCode()).isEqualTo(1);
    JsonNode r = new ObjectMapper().readTree(json.out());
    assertThat(r.get("ok").asBoolean()).isFalse();
    assertThat(r.get("error").asText()).isEqualTo("refused");
    assertThat(r.get("message").asText()).contains("namespace 'ghost' does not exist");
    assertThat(dropped).containsExactly("ghost", "ghost");
  }

  @Test
  void listAndStatusShowWhatTheNodeSaid() throws Exception {
    String cluster = scriptedNode();
    Run list = Run.of("ns", "list", "--cluster", cluster);
    assertThat(list.exitCode()).isEqualTo(Main.OK);
    assertThat(list.out().strip()).isEqualTo("NAMESPACE  MODE    N  W  R\ndefault    strong  3  3  1");
    Run status = Run.of("cluster", "status", "--json", "--cluster", cluster);
    assertThat(status.exitCode()).isEqualTo(Main.OK);
    JsonNode json = new ObjectMapper().readTree(status.out());
    assertThat(json.get("ok").asBoolean()).isTrue();
    assertThat(json.get("leader").asText()).isEqualTo("n1");
    assertThat(json.at("/members/0/state").asText()).isEqualTo("up");
  }

  @Test
  void anUnreachableClusterExitsWithThree() throws IOException {
    String closed;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = "127.0.0.1:" + socket.getLocalPort();
    }
    Run run = Run.of("cluster", "status", "--timeout", "0.5", "--cluster", closed);
    assertThat(run.exitCode()).isEqualTo(Main.UNAVAILABLE);
    assertThat(run.err()).contains("unreachable");
    Run remove = Run.of("cluster", "remove", "n4", "--timeout", "0.5", "--cluster", closed);
    assertThat(remove.exitCode()).isEqualTo(Main.UNAVAILABLE);
  }

  @Test
  void anAcceptedRemovalSaysTheNodeIsLeavingAndWhatHappensNext() throws Exception {
    String cluster = scriptedNode();
    Run run = Run.of("cluster", "remove", "n4", "--cluster", cluster);
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(Main.OK);
    assertThat(run.out().strip()).isEqualTo("node n4 is leaving (directory epoch 7): its partitions"
        + " move to other nodes, and it is removed once it holds none. Watch the progress with:"
        + " dkv cluster status --watch");
    Run json = Run.of("cluster", "remove", "n4", "--json", "--cluster", cluster);
    assertThat(json.exitCode()).isEqualTo(Main.OK);
    JsonNode r = new ObjectMapper().readTree(json.out());
    assertThat(r.get("ok").asBoolean()).isTrue();
    assertThat(r.get("node").asText()).isEqualTo("n4");
    assertThat(r.get("state").asText()).isEqualTo("leaving");
    assertThat(r.get("epoch").asLong()).isEqualTo(7);
    assertThat(removed).containsExactly("n4", "n4");
  }

  @Test
  void aRefusedRemovalExitsWithOneAndTheReasonAndANodeIsRequired() throws Exception {
    Run run = Run.of("cluster", "remove", "ghost", "--cluster", scriptedNode());
    assertThat(run.exitCode()).isEqualTo(DirectoryCommand.REFUSED);
    assertThat(run.err()).contains("dkv: cannot remove node 'ghost': node 'ghost' is unknown");
    Run noNode = Run.of("cluster", "remove");
    assertThat(noNode.exitCode()).isEqualTo(Main.USAGE);
    assertThat(noNode.err()).contains("Missing required parameter: 'NODE'");
  }
}
