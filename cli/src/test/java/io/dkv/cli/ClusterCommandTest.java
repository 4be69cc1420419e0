package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dkv.protocol.ClientMessage.ClusterStatusResponse;
import io.dkv.protocol.ClientMessage.DirectoryChangeResponse;
import io.dkv.protocol.ClientMessage.MemberMoves;
import io.dkv.protocol.ClientMessage.MemberState;
import io.dkv.protocol.ClientMessage.MemberStatus;
import io.dkv.protocol.ClientMessage.MoveStatusResponse;
import io.dkv.protocol.ClientMessage.NamespaceInfo;
import io.dkv.protocol.ClientMessage.NamespaceMode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The moves in {@code dkv cluster status} (and {@code --watch}) and {@code dkv cluster remove
 * --wait}, run as commands against a scripted node whose answers to MOVE_STATUS move on one per
 * poll. The watch polls once a second, so a test that needs a second answer takes a second.
 */
class ClusterCommandTest {
  private static final ClusterStatusResponse STATUS = new ClusterStatusResponse(40, "n1", 16, 1,
      List.of(new MemberStatus("n1", "127.0.0.1:7401", MemberState.UP, 10, true),
          new MemberStatus("n4", "127.0.0.1:7404", MemberState.JOINING, 6, false)),
      List.of(new NamespaceInfo("default", NamespaceMode.STRONG, 1, 1, 1)));
  /** n4 joined n1 (Q = 16, RF = 1): 6 of its 8 partitions are in, 2 being copied. */
  private static final MoveStatusResponse JOINING = new MoveStatusResponse(40, 2, List.of(
      new MemberMoves("n1", MemberState.UP, 10, 8, 0, 0),
      new MemberMoves("n4", MemberState.JOINING, 6, 8, 2, 0)), "n1", 0, 0);
  private static final MoveStatusResponse SETTLED = new MoveStatusResponse(44, 0, List.of(
      new MemberMoves("n1", MemberState.UP, 8, 8, 0, 0),
      new MemberMoves("n4", MemberState.UP, 8, 8, 0, 0)), "n1", 0, 0);
  private static final MoveStatusResponse DRAINING = new MoveStatusResponse(9, 1, List.of(
      new MemberMoves("n1", MemberState.UP, 9, 16, 1, 0),
      new MemberMoves("n4", MemberState.LEAVING, 7, 0, 0, 0)), "n1", 0, 0);
  private static final MoveStatusResponse REMOVED = new MoveStatusResponse(15, 0, List.of(
      new MemberMoves("n1", MemberState.UP, 16, 16, 0, 0),
      new MemberMoves("n4", MemberState.REMOVED, 0, 0, 0, 0)), "n1", 0, 0);

  private final AtomicInteger leaves = new AtomicInteger();
  private final AtomicInteger polls = new AtomicInteger();
  private RpcServer node;

  @AfterEach
  void stop() {
    if (node != null) {
      node.close();
    }
  }

  /** Answers status, lets any node leave at epoch 9, and gives {@code moves} in order, then the last again. */
  private String scriptedNode(MoveStatusResponse... moves) throws InterruptedException {
    RpcServer.Builder b = RpcServer.builder().listen("127.0.0.1", 0)
        .handle(Procedure.CLUSTER_STATUS.id(), (ctx, body) ->
            CompletableFuture.completedFuture(MessageCodec.encode(STATUS)))
        .handle(Procedure.LEAVE.id(), (ctx, body) -> {
          leaves.incrementAndGet();
          return CompletableFuture.completedFuture(MessageCodec.encode(new DirectoryChangeResponse(9)));
        });
    if (moves.length > 0) {
      b.handle(Procedure.MOVE_STATUS.id(), (ctx, body) -> CompletableFuture.completedFuture(
          MessageCodec.encode(moves[Math.min(polls.getAndIncrement(), moves.length - 1)])));
    }
    node = b.build().start();
    return "127.0.0.1:" + node.localAddress().getPort();
  }

  @Test
  void statusShowsTheMovesBelowTheMembersAndInTheJson() throws Exception {
    String cluster = scriptedNode(JOINING);
    Run text = Run.of("cluster", "status", "--cluster", cluster);
    assertThat(text.exitCode()).isEqualTo(Main.OK);
    assertThat(text.out()).contains("""
        n4    127.0.0.1:7404  joining  6           no

        2 moves in progress (directory epoch 40)
        n1  up       [####################]  10/8 partitions (2 to hand over)
        n4  joining  [###############-----]  6/8 partitions (+2 learning)

        NAMESPACE""");
    Run json = Run.of("cluster", "status", "--json", "--cluster", cluster);
    JsonNode r = new ObjectMapper().readTree(json.out());
    assertThat(r.at("/moves/inProgress").asInt()).isEqualTo(2);
    assertThat(r.at("/moves/atTarget").asBoolean()).isFalse();
    assertThat(r.at("/moves/members/1/target").asInt()).isEqualTo(8);
    assertThat(r.at("/moves/members/1/learning").asInt()).isEqualTo(2);
    assertThat(r.has("movesError")).isFalse();
  }

  @Test
  void aNodeThatCannotTellTheMovesStillShowsTheStatusAndSaysWhy() throws Exception {
    String cluster = scriptedNode();
    Run text = Run.of("cluster", "status", "--cluster", cluster);
    assertThat(text.exitCode()).isEqualTo(Main.OK);
    assertThat(text.out()).contains("moves: unknown (UNKNOWN_PROCEDURE").contains("NAMESPACE");
    JsonNode r = new ObjectMapper().readTree(Run.of("cluster", "status", "--json", "--cluster", cluster).out());
    assertThat(r.get("moves").isNull()).isTrue();
    assertThat(r.get("movesError").asText()).contains("UNKNOWN_PROCEDURE");
  }

  @Test
  void watchShowsTheMovesUntilNothingMovesThenTheStatus() throws Exception {
    Run run = Run.of("cluster", "status", "--watch", "--cluster", scriptedNode(JOINING, SETTLED));
    assertThat(run.exitCode()).isEqualTo(Main.OK);
    assertThat(run.err()).startsWith("2 moves in progress (directory epoch 40)\n")
        .contains("n4  joining  [###############-----]  6/8 partitions (+2 learning)")
        .contains("partition map at its target (directory epoch 44): nothing is moving");
    assertThat(run.out()).contains("partition map at its target (directory epoch 44)")
        .contains("NAMESPACE");
    assertThat(polls).hasValue(2);
  }

  @Test
  void removeWaitShowsTheDrainAndEndsWhenTheNodeIsRemoved() throws Exception {
    String cluster = scriptedNode(REMOVED);
    Run text = Run.of("cluster", "remove", "n4", "--wait", "--cluster", cluster);
    assertThat(text.exitCode()).isEqualTo(Main.OK);
    assertThat(text.err()).isEqualTo("n4 is removed in this view (directory epoch 15)" + System.lineSeparator());
    assertThat(text.out().strip()).isEqualTo("node n4 is removed (directory epoch 15): it holds no"
        + " partition, and its process can be stopped");
    Run json = Run.of("cluster", "remove", "n4", "--wait", "--json", "--cluster", cluster);
    assertThat(json.err()).isEmpty();
    assertThat(json.out().strip()).isEqualTo("{\"ok\":true,\"node\":\"n4\",\"state\":\"removed\",\"epoch\":15}");
  }

  @Test
  void removeWaitExitsWithThreeWhenTheNodeIsNotRemovedInTime() throws Exception {
    Run run = Run.of("cluster", "remove", "n4", "--wait", "--wait-timeout", "1",
        "--cluster", scriptedNode(DRAINING));
    assertThat(run.exitCode()).isEqualTo(Main.UNAVAILABLE);
    assertThat(run.err()).startsWith("n4 leaving [##------------------] 7 left, 1 move in progress")
        .contains("dkv: node n4 is not removed after 1 s (n4 leaving")
        .contains("the removal goes on");
    assertThat(polls).hasValue(2);
  }

  @Test
  void aBadWaitTimeoutIsAUsageErrorAndRemovesNothing() throws Exception {
    String cluster = scriptedNode(REMOVED);
    Run alone = Run.of("cluster", "remove", "n4", "--wait-timeout", "5", "--cluster", cluster);
    assertThat(alone.exitCode()).isEqualTo(Main.USAGE);
    assertThat(alone.err()).contains("--wait-timeout only applies with --wait");
    Run zero = Run.of("cluster", "remove", "n4", "--wait", "--wait-timeout", "0", "--cluster", cluster);
    assertThat(zero.exitCode()).isEqualTo(Main.USAGE);
    assertThat(zero.err()).contains("--wait-timeout must be 1..86400 seconds, got 0");
    Run word = Run.of("cluster", "remove", "n4", "--wait", "--wait-timeout", "soon", "--cluster", cluster);
    assertThat(word.exitCode()).isEqualTo(Main.USAGE);
    assertThat(word.err()).contains("--wait-timeout");
    assertThat(leaves).hasValue(0);
  }
}
