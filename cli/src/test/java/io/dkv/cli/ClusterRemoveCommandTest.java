package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dkv.protocol.ClientMessage.DirectoryChangeResponse;
import io.dkv.protocol.ClientMessage.LeaveRequest;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcException;
import io.dkv.rpc.RpcServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code dkv cluster remove}: what it sends, prints and exits with against a scripted node. */
class ClusterRemoveCommandTest {
  private final List<String> asked = new CopyOnWriteArrayList<>();
  private RpcServer node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  /** A node whose directory lets n4 leave at epoch 7 and refuses every other node. */
  private String scriptedNode() throws InterruptedException {
    node = RpcServer.builder().listen("127.0.0.1", 0)
        .handle(Procedure.LEAVE.id(), (ctx, body) -> {
          String nodeId = ((LeaveRequest) MessageCodec.decodeRequest(Procedure.LEAVE, body)).nodeId();
          asked.add(nodeId);
          return nodeId.equals("n4")
              ? CompletableFuture.completedFuture(MessageCodec.encode(new DirectoryChangeResponse(7)))
              : CompletableFuture.failedFuture(new RpcException(ErrorCode.INVALID_ARGUMENT,
                  "cannot remove node '" + nodeId + "': node '" + nodeId + "' is unknown"));
        })
        .build().start();
    return "127.0.0.1:" + node.localAddress().getPort();
  }

  @Test
  void anAcceptedRemovalSaysTheNodeIsLeavingAndWhatHappensNext() throws Exception {
    Run run = Run.of("cluster", "remove", "n4", "--cluster", scriptedNode());
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(Main.OK);
    assertThat(run.out().strip()).isEqualTo("node n4 is leaving (directory epoch 7): its partitions"
        + " move to other nodes, and it is removed once it holds none. Watch the progress with:"
        + " dkv cluster status");
    assertThat(asked).containsExactly("n4");
  }

  @Test
  void jsonHasTheNodeItsStateAndTheEpoch() throws Exception {
    Run run = Run.of("cluster", "remove", "n4", "--json", "--cluster", scriptedNode());
    assertThat(run.exitCode()).isEqualTo(Main.OK);
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.get("ok").asBoolean()).isTrue();
    assertThat(json.get("node").asText()).isEqualTo("n4");
    assertThat(json.get("state").asText()).isEqualTo("leaving");
    assertThat(json.get("epoch").asLong()).isEqualTo(7);
  }

  @Test
  void aRefusalExitsWithOneAndTheDirectorysReason() throws Exception {
    String cluster = scriptedNode();
    Run text = Run.of("cluster", "remove", "ghost", "--cluster", cluster);
    assertThat(text.exitCode()).isEqualTo(DirectoryCommand.REFUSED);
    assertThat(text.err()).contains("dkv: cannot remove node 'ghost': node 'ghost' is unknown");
    Run json = Run.of("cluster", "remove", "ghost", "--json", "--cluster", cluster);
    assertThat(json.exitCode()).isEqualTo(DirectoryCommand.REFUSED);
    JsonNode r = new ObjectMapper().readTree(json.out());
    assertThat(r.get("ok").asBoolean()).isFalse();
    assertThat(r.get("error").asText()).isEqualTo("refused");
  }

  @Test
  void withoutANodeItIsAUsageError() {
    Run run = Run.of("cluster", "remove");
    assertThat(run.exitCode()).isEqualTo(Main.USAGE);
    assertThat(run.err()).contains("Missing required parameter: 'NODE'");
  }

  @Test
  void anUnreachableClusterExitsWithThree() throws IOException {
    String closed;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closed = "127.0.0.1:" + socket.getLocalPort();
    }
    Run run = Run.of("cluster", "remove", "n4", "--timeout", "0.5", "--cluster", closed);
    assertThat(run.exitCode()).isEqualTo(Main.UNAVAILABLE);
  }
}
