package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage;
import io.dkv.protocol.ClientMessage.ClusterStatusResponse;
import io.dkv.protocol.ClientMessage.GetResponse;
import io.dkv.protocol.ClientMessage.MemberState;
import io.dkv.protocol.ClientMessage.MemberStatus;
import io.dkv.protocol.ClientMessage.NamespaceInfo;
import io.dkv.protocol.ClientMessage.NamespaceMode;
import io.dkv.protocol.ClientMessage.QuorumGetRequest;
import io.dkv.protocol.ClientMessage.QuorumWriteRequest;
import io.dkv.protocol.ClientMessage.WriteResponse;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.protocol.QuorumLevel;
import io.dkv.rpc.RpcServer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code dkv put/get/del --w/--r}: the levels travel with the request, and a level that lets reads
 * miss the latest write (R + W <= N with the namespace's other quorum) is warned about on stderr.
 */
class QuorumOptionsTest {
  /** logs: eventual, N = 3, W = 2, R = 2. */
  private static final ClusterStatusResponse STATUS = new ClusterStatusResponse(12, "n1", 16, 3,
      List.of(new MemberStatus("n1", "127.0.0.1:7401", MemberState.UP, 16, true)),
      List.of(new NamespaceInfo("default", NamespaceMode.STRONG, 3, 3, 1),
          new NamespaceInfo("logs", NamespaceMode.EVENTUAL, 3, 2, 2)));

  private final List<ClientMessage> received = Collections.synchronizedList(new ArrayList<>());
  private RpcServer node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  private String scriptedNode() throws InterruptedException {
    RpcServer.Builder b = RpcServer.builder().listen("127.0.0.1", 0)
        .handle(Procedure.CLUSTER_STATUS.id(), (ctx, body) -> CompletableFuture.completedFuture(MessageCodec.encode(STATUS)))
        .handle(Procedure.GET_WITH_QUORUM.id(), (ctx, body) -> {
          received.add(MessageCodec.decodeRequest(Procedure.GET_WITH_QUORUM, body));
          return CompletableFuture.completedFuture(MessageCodec.encode(new GetResponse(true, 9, Bytes.utf8("v"))));
        });
    for (Procedure p : List.of(Procedure.PUT_WITH_QUORUM, Procedure.DELETE_WITH_QUORUM)) {
      b.handle(p.id(), (ctx, body) -> {
        received.add(MessageCodec.decodeRequest(p, body));
        return CompletableFuture.completedFuture(MessageCodec.encode(new WriteResponse(WriteStatus.OK, 10)));
      });
    }
    node = b.build().start();
    return "127.0.0.1:" + node.localAddress().getPort();
  }

  @Test
  void levelsAreSentWithTheRequestAndAWeakOneIsWarnedAbout() throws Exception {
    String cluster = scriptedNode();
    Run put = Run.of("put", "k", "v", "--ns", "logs", "--w", "one", "--cluster", cluster);
    assertThat(put.exitCode()).isEqualTo(Main.OK);
    assertThat(put.out().strip()).isEqualTo("OK k version 10");
    assertThat(put.err().strip()).isEqualTo("dkv: warning: R + W = 3 is not more than N = 3: a read may miss the"
        + " latest acknowledged write (choose R + W > N to see it)");

    Run get = Run.of("get", "k", "--ns", "logs", "--r", "ALL", "--cluster", cluster);
    assertThat(get.exitCode()).isEqualTo(Main.OK);
    assertThat(get.err()).as("R = 3 with W = 2 overlaps").isEmpty();
    Run del = Run.of("del", "k", "--ns", "logs", "--w", "quorum", "--cluster", cluster);
    assertThat(del.exitCode()).isEqualTo(Main.OK);
    assertThat(del.err()).isEmpty();

    assertThat(received).extracting(m -> switch (m) {
      case QuorumWriteRequest w -> w.write().mutation().getClass().getSimpleName() + " " + w.writeQuorum();
      case QuorumGetRequest g -> "Get " + g.readQuorum();
      default -> m.toString();
    }).containsExactly("Put one", "Get all", "Delete quorum");
    assertThat(((QuorumGetRequest) received.get(1)).readQuorum()).isEqualTo(QuorumLevel.ALL);
  }

  @Test
  void aBadLevelIsAUsageErrorThatSaysWhatIsAllowed() {
    Run run = Run.of("put", "k", "v", "--w", "most", "--cluster", "127.0.0.1:1");
    assertThat(run.exitCode()).isEqualTo(Main.USAGE);
    assertThat(run.err()).contains("'--w'", "value 'most' is not a quorum level; allowed: one, quorum, all");
  }
}
