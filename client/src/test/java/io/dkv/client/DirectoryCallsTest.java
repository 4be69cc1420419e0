package io.dkv.client;

import static io.dkv.client.ScriptedServers.endpoint;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.protocol.ClientMessage.ClusterStatusResponse;
import io.dkv.protocol.ClientMessage.CreateNamespaceRequest;
import io.dkv.protocol.ClientMessage.DirectoryChangeResponse;
import io.dkv.protocol.ClientMessage.DropNamespaceRequest;
import io.dkv.protocol.ClientMessage.MemberState;
import io.dkv.protocol.ClientMessage.MemberMoves;
import io.dkv.protocol.ClientMessage.MemberStatus;
import io.dkv.protocol.ClientMessage.MoveStatusResponse;
import io.dkv.protocol.ClientMessage.NamespaceInfo;
import io.dkv.protocol.ClientMessage.NamespaceMode;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcException;
import io.dkv.rpc.RpcServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Cluster status, moves and namespace changes against scripted servers: they reach any endpoint whatever
 * the routing, carry the settings over the wire, retry changes under one request id, and surface
 * the directory's refusals with its reason.
 */
class DirectoryCallsTest {
  private static final ClusterStatusResponse STATUS = new ClusterStatusResponse(12, "n2", 16, 3,
      List.of(new MemberStatus("n1", "10.0.0.1:7401", MemberState.UP, 16, true),
          new MemberStatus("n2", "10.0.0.2:7401", MemberState.LEAVING, 0, true),
          new MemberStatus("n4", "10.0.0.4:7401", MemberState.REMOVED, 0, false)),
      List.of(new NamespaceInfo("default", NamespaceMode.STRONG, 3, 3, 1),
          new NamespaceInfo("later", NamespaceMode.EVENTUAL, 3, 2, 2)));

  private final ScriptedServers servers = new ScriptedServers();
  private final List<Long> requestIds = Collections.synchronizedList(new ArrayList<>());

  @AfterEach
  void stop() throws Exception {
    servers.close();
  }

  private static DkvClient client(String endpoints, Routing routing) {
    return DkvClient.builder().endpoints(endpoints).routing(routing)
        .requestTimeout(Duration.ofSeconds(5)).attemptTimeout(Duration.ofMillis(300)).build();
  }

  private static CompletableFuture<byte[]> changedAt(long epoch) {
    return CompletableFuture.completedFuture(MessageCodec.encode(new DirectoryChangeResponse(epoch)));
  }

  /** No partition map is served: with iterative routing too, the call must not need one. */
  @ParameterizedTest
  @EnumSource(Routing.class)
  void clusterStatusFailsOverToANodeThatAnswersAndShowsEveryField(Routing routing) throws Exception {
    RpcServer s = servers.serve(RpcServer.builder().handle(Procedure.CLUSTER_STATUS.id(),
        (ctx, body) -> CompletableFuture.completedFuture(MessageCodec.encode(STATUS))));
    try (DkvClient dkv = client(ScriptedServers.closedPort() + "," + endpoint(s), routing)) {
      ClusterStatus status = dkv.clusterStatus();
      assertThat(status.epoch()).isEqualTo(12);
      assertThat(status.leader()).contains("n2");
      assertThat(status.partitionCount()).isEqualTo(16);
      assertThat(status.replicationFactor()).isEqualTo(3);
      assertThat(status.members()).containsExactly(
          new ClusterMember("n1", "10.0.0.1:7401", ClusterMember.State.UP, 16, true),
          new ClusterMember("n2", "10.0.0.2:7401", ClusterMember.State.LEAVING, 0, true),
          new ClusterMember("n4", "10.0.0.4:7401", ClusterMember.State.REMOVED, 0, false));
      assertThat(status.namespaces()).containsExactly(NamespaceSettings.strong("default", 3),
          new NamespaceSettings("later", NamespaceSettings.Mode.EVENTUAL, 3, 2, 2));
      assertThat(status.namespace("later")).map(NamespaceSettings::w).contains(2);
      assertThat(status.namespace("absent")).isEmpty();
    }
  }

  @Test
  void moveStatusFailsOverAndCarriesEveryMembersPartInTheMoves() throws Exception {
    var moves = new MoveStatusResponse(40, 2,
        List.of(new MemberMoves("n1", MemberState.UP, 10, 8, 0, 2),
            new MemberMoves("n4", MemberState.JOINING, 6, 8, 2, 0),
            new MemberMoves("n5", MemberState.REMOVED, 0, 0, 0, 0)),
        "n4", 1234, 6);
    RpcServer s = servers.serve(RpcServer.builder().handle(Procedure.MOVE_STATUS.id(),
        (ctx, body) -> CompletableFuture.completedFuture(MessageCodec.encode(moves))));
    try (DkvClient dkv = client(ScriptedServers.closedPort() + "," + endpoint(s), Routing.ITERATIVE)) {
      MoveStatus status = dkv.moveStatus();
      assertThat(status).isEqualTo(new MoveStatus(40, 2, List.of(
          new MoveStatus.MemberMoves("n1", ClusterMember.State.UP, 10, 8, 0, 2),
          new MoveStatus.MemberMoves("n4", ClusterMember.State.JOINING, 6, 8, 2, 0),
          new MoveStatus.MemberMoves("n5", ClusterMember.State.REMOVED, 0, 0, 0, 0)), "n4", 1234, 6));
      assertThat(status.atTarget()).isFalse();
      assertThat(status.member("n5")).map(MoveStatus.MemberMoves::atTarget).contains(true);
      assertThat(status.member("n1")).map(MoveStatus.MemberMoves::atTarget).contains(false);
      assertThat(status.member("n9")).isEmpty();
    }
  }

  @Test
  void aNodeThatDoesNotKnowMoveStatusSaysSo() throws Exception {
    RpcServer s = servers.serve(RpcServer.builder().handle(Procedure.CLUSTER_STATUS.id(),
        (ctx, body) -> CompletableFuture.completedFuture(MessageCodec.encode(STATUS))));
    try (DkvClient dkv = client(endpoint(s), Routing.RECURSIVE)) {
      assertThatThrownBy(dkv::moveStatus).isInstanceOf(DkvException.class)
          .hasMessageContaining("UNKNOWN_PROCEDURE");
    }
  }

  @Test
  void anUnknownLeaderIsEmpty() throws Exception {
    var noLeader = new ClusterStatusResponse(1, "", 8, 1, List.of(), List.of());
    RpcServer s = servers.serve(RpcServer.builder().handle(Procedure.CLUSTER_STATUS.id(),
        (ctx, body) -> CompletableFuture.completedFuture(MessageCodec.encode(noLeader))));
    try (DkvClient dkv = client(endpoint(s), Routing.RECURSIVE)) {
      assertThat(dkv.clusterStatus().leader()).isEqualTo(Optional.empty());
    }
  }

  @Test
  void createSendsTheSettingsAndRetriesUnderTheFirstRequestId() throws Exception {
    List<NamespaceInfo> received = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger calls = new AtomicInteger();
    RpcServer s = servers.serve(RpcServer.builder().handle(Procedure.CREATE_NAMESPACE.id(), (ctx, body) -> {
      requestIds.add(ctx.requestId());
      received.add(((CreateNamespaceRequest) MessageCodec.decodeRequest(Procedure.CREATE_NAMESPACE, body)).namespace());
      return calls.incrementAndGet() == 1
          ? CompletableFuture.failedFuture(new RpcException(ErrorCode.BUSY, "electing a leader"))
          : changedAt(13);
    }));
    try (DkvClient dkv = client(endpoint(s), Routing.ITERATIVE)) {
      assertThat(dkv.createNamespace(new NamespaceSettings("orders", NamespaceSettings.Mode.STRONG, 2, 2, 1)))
          .isEqualTo(13);
    }
    assertThat(received).containsOnly(new NamespaceInfo("orders", NamespaceMode.STRONG, 2, 2, 1)).hasSize(2);
    assertThat(requestIds).hasSize(2).containsOnly(requestIds.get(0));
  }

  @Test
  void aRefusalIsAnInvalidRequestWithTheDirectorysReasonAndIsNotRetried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    RpcServer s = servers.serve(RpcServer.builder().handle(Procedure.DROP_NAMESPACE.id(), (ctx, body) -> {
      calls.incrementAndGet();
      String name = ((DropNamespaceRequest) MessageCodec.decodeRequest(Procedure.DROP_NAMESPACE, body)).name();
      return CompletableFuture.failedFuture(new RpcException(ErrorCode.INVALID_ARGUMENT,
          "namespace '" + name + "' does not exist"));
    }));
    try (DkvClient dkv = client(endpoint(s), Routing.RECURSIVE)) {
      assertThatThrownBy(() -> dkv.dropNamespace("ghost")).isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("namespace 'ghost' does not exist")
          .hasMessageNotContaining("unknown");
    }
    assertThat(calls).hasValue(1);
  }

  /** The first attempt may have created it, so "exists" on the retry must not read as a plain refusal. */
  @Test
  void aRefusalAfterAnAttemptWithAnUnknownOutcomeSaysTheOutcomeIsUnknown() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    RpcServer s = servers.serve(RpcServer.builder().handle(Procedure.CREATE_NAMESPACE.id(), (ctx, body) ->
        CompletableFuture.failedFuture(calls.incrementAndGet() == 1
            ? new RpcException(ErrorCode.TIMEOUT, "outcome unknown: the directory did not confirm")
            : new RpcException(ErrorCode.INVALID_ARGUMENT, "namespace 'orders' exists"))));
    try (DkvClient dkv = client(endpoint(s), Routing.RECURSIVE)) {
      assertThatThrownBy(() -> dkv.createNamespace(NamespaceSettings.strong("orders", 3)))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("namespace 'orders' exists")
          .hasMessageContaining("outcome is unknown");
    }
  }

  /**
   * A node answers a change only once the directory has committed it, which can take seconds in
   * an election: the attempt gets the whole request timeout instead of being cut at the attempt
   * timeout (300 ms here) and sent again to another node, which could not tell it is a retry.
   */
  @Test
  void aChangeWaitsForItsAttemptsAnswerUpToTheRequestTimeout() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    RpcServer s = servers.serve(RpcServer.builder().handle(Procedure.DROP_NAMESPACE.id(), (ctx, body) ->
        calls.incrementAndGet() == 1
            ? CompletableFuture.supplyAsync(() -> MessageCodec.encode(new DirectoryChangeResponse(9)),
                CompletableFuture.delayedExecutor(1, java.util.concurrent.TimeUnit.SECONDS))
            : changedAt(10)));
    try (DkvClient dkv = client(endpoint(s), Routing.RECURSIVE)) {
      assertThat(dkv.dropNamespace("orders")).isEqualTo(9);
    }
    assertThat(calls).hasValue(1);
  }

  @Test
  void aNameTheWireCannotCarryIsRefusedBeforeSending() {
    try (DkvClient dkv = client("127.0.0.1:1", Routing.RECURSIVE)) {
      assertThatThrownBy(() -> dkv.dropNamespace("n".repeat(70_000)))
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("namespace name")
          .hasMessageContaining("65535");
    }
  }
}
