package io.dkv.torture;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.client.DkvClient;
import io.dkv.protocol.ClientMessage.RepairRequest;
import io.dkv.protocol.ClientMessage.RepairResponse;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcException;
import io.dkv.rpc.RpcServer;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The eventual run's {@code anti-entropy} repair step against scripted nodes: each round asks every
 * node to repair every eventual namespace, and the report adds up what they did.
 */
class AntiEntropyRepairTest {
  private final List<RpcServer> servers = new ArrayList<>();
  private final List<String> asked = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() {
    servers.forEach(RpcServer::close);
  }

  private InetSocketAddress node(String id, RepairResponse answer) throws InterruptedException {
    RpcServer s = RpcServer.builder().listen("127.0.0.1", 0).handle(Procedure.REPAIR.id(), (ctx, body) -> {
      asked.add(id + " '" + ((RepairRequest) MessageCodec.decodeRequest(Procedure.REPAIR, body)).namespace() + "'");
      return answer == null
          ? CompletableFuture.failedFuture(new RpcException(ErrorCode.UNAVAILABLE, "still starting"))
          : CompletableFuture.completedFuture(MessageCodec.encode(answer));
    }).build().start();
    servers.add(s);
    return s.localAddress();
  }

  @Test
  void everyRoundAsksEveryNodeAndTheReportAddsUpTheirAnswers() throws Exception {
    List<InetSocketAddress> nodes = List.of(
        node("n1", new RepairResponse("n1", 16, 3, 3, List.of())),
        node("n2", new RepairResponse("n2", 16, 2, 4, List.of("partition 5 with n3: no answer"))),
        node("n3", null));
    DkvClient client = DkvClient.builder().endpoints("127.0.0.1:" + nodes.getFirst().getPort()).build();
    try (RepairStep step = RepairStep.Kind.ANTI_ENTROPY.create(() -> client, nodes)) {
      step.repair(List.of("k1", "k2"));
      step.repair(List.of("k1"));
      assertThat(asked).containsExactlyInAnyOrder("n1 ''", "n2 ''", "n3 ''", "n1 ''", "n2 ''", "n3 ''");
      assertThat(step.describe()).isEqualTo("anti-entropy: every node repaired with REPAIR (dkv repair), 2 rounds,"
          + " 64 sessions, 10 keys differing, 14 values shipped (4 node answers failed or had errors)");
    }
  }
}
