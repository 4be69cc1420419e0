package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.ClientMessage;
import io.dkv.protocol.ClientMessage.ClusterStatusResponse;
import io.dkv.protocol.ClientMessage.MemberState;
import io.dkv.protocol.ClientMessage.MemberStatus;
import io.dkv.protocol.ClientMessage.NamespaceInfo;
import io.dkv.protocol.ClientMessage.NamespaceMode;
import io.dkv.protocol.ClientMessage.RepairRequest;
import io.dkv.protocol.ClientMessage.RepairResponse;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcException;
import io.dkv.rpc.RpcHandler;
import io.dkv.rpc.RpcServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code dkv repair}: one REPAIR per member, a row each and a total; the exit code says whether all went well. */
class RepairCommandTest {
  private final List<RpcServer> servers = new ArrayList<>();
  private final List<String> asked = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() {
    servers.forEach(RpcServer::close);
  }

  private RpcServer node(String id, RpcHandler repair) throws InterruptedException {
    RpcServer s = RpcServer.builder().listen("127.0.0.1", 0).handle(Procedure.REPAIR.id(), (ctx, body) -> {
      asked.add(id + " " + ((RepairRequest) MessageCodec.decodeRequest(Procedure.REPAIR, body)).namespace());
      return repair.handle(ctx, body);
    }).build().start();
    servers.add(s);
    return s;
  }

  /** n1 answers CLUSTER_STATUS too, listing the given nodes (and a removed one, which is skipped). */
  private String cluster(RpcServer... nodes) throws InterruptedException {
    List<MemberStatus> members = new ArrayList<>();
    for (int i = 0; i < nodes.length; i++) {
      members.add(new MemberStatus("n" + (i + 1), "127.0.0.1:" + nodes[i].localAddress().getPort(),
          MemberState.UP, 8, i == 0));
    }
    members.add(new MemberStatus("n9", "127.0.0.1:1", MemberState.REMOVED, 0, false));
    ClusterStatusResponse status = new ClusterStatusResponse(5, "n1", 8, 3, members,
        List.of(new NamespaceInfo("logs", NamespaceMode.EVENTUAL, 3, 2, 2)));
    RpcServer directory = RpcServer.builder().listen("127.0.0.1", 0).handle(Procedure.CLUSTER_STATUS.id(),
        (ctx, body) -> CompletableFuture.completedFuture(MessageCodec.encode(status))).build().start();
    servers.add(directory);
    return "127.0.0.1:" + directory.localAddress().getPort();
  }

  private static RpcHandler answers(RepairResponse r) {
    return (ctx, body) -> CompletableFuture.completedFuture(MessageCodec.encode(r));
  }

  @Test
  void everyMemberIsAskedAndTheTotalAddsThemUp() throws Exception {
    String cluster = cluster(node("n1", answers(new RepairResponse("n1", 16, 3, 3, List.of()))),
        node("n2", answers(new RepairResponse("n2", 16, 2, 4, List.of()))));
    Run run = Run.of("repair", "--ns", "logs", "--cluster", cluster);
    assertThat(run.err()).isEmpty();
    assertThat(run.exitCode()).isEqualTo(Main.OK);
    assertThat(asked).containsExactlyInAnyOrder("n1 logs", "n2 logs");
    assertThat(run.out()).contains("NODE", "SESSIONS", "KEYS DIFFERED", "VALUES SHIPPED")
        .contains("total: 2 of 2 nodes repaired logs: 32 sessions, 5 keys differed, 7 values shipped, 0 errors");

    Run json = Run.of("repair", "--json", "--cluster", cluster);
    assertThat(json.exitCode()).isEqualTo(Main.OK);
    assertThat(json.out()).startsWith("{\"ok\":true,\"namespace\":\"(all eventual)\"")
        .contains("\"keysDiffered\":5", "\"valuesShipped\":7");
    assertThat(asked).contains("n1 ", "n2 ");
  }

  @Test
  void aMemberThatDoesNotAnswerOrASessionThatFailedExitsThree() throws Exception {
    String cluster = cluster(node("n1", answers(new RepairResponse("n1", 15, 0, 0,
            List.of("replica n2 did not answer step 1")))),
        node("n2", (ctx, body) -> CompletableFuture.failedFuture(new RpcException(ErrorCode.UNAVAILABLE, "stopping"))));
    Run run = Run.of("repair", "--cluster", cluster);
    assertThat(run.exitCode()).isEqualTo(Main.UNAVAILABLE);
    assertThat(run.out()).contains("did not answer", "total: 0 of 2 nodes repaired", "1 errors",
        "n1: replica n2 did not answer step 1", "n2: ");
  }

  @Test
  void anUnknownNamespaceOrAnEmptyNameIsAUsageError() throws Exception {
    String cluster = cluster(node("n1", (ctx, body) -> CompletableFuture.failedFuture(new RpcException(
        ErrorCode.INVALID_ARGUMENT, "namespace 'nope' does not exist; this cluster has: [logs]"))));
    Run run = Run.of("repair", "--ns", "nope", "--cluster", cluster);
    assertThat(run.exitCode()).isEqualTo(Main.USAGE);
    assertThat(run.err()).contains("namespace 'nope' does not exist");
    Run empty = Run.of("repair", "--ns", " ", "--cluster", cluster);
    assertThat(empty.exitCode()).isEqualTo(Main.USAGE);
    assertThat(empty.err()).contains("--ns ' ' names no namespace", "leave --ns out to repair every eventual");
    Run unknownOption = Run.of("repair", "--namespace", "logs");
    assertThat(unknownOption.exitCode()).isEqualTo(Main.USAGE);
  }
}
