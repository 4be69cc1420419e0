package io.dkv.client;

import io.dkv.client.internal.Failures;
import io.dkv.client.internal.Failures.WriteOutcome;
import io.dkv.client.internal.RecursiveRouter;
import io.dkv.client.internal.RetryingCaller;
import io.dkv.protocol.ClientMessage;
import io.dkv.protocol.ClientMessage.ClusterStatusRequest;
import io.dkv.protocol.ClientMessage.ClusterStatusResponse;
import io.dkv.protocol.ClientMessage.CreateNamespaceRequest;
import io.dkv.protocol.ClientMessage.DirectoryChangeResponse;
import io.dkv.protocol.ClientMessage.DropNamespaceRequest;
import io.dkv.protocol.ClientMessage.LeaveRequest;
import io.dkv.protocol.ClientMessage.MemberStatus;
import io.dkv.protocol.ClientMessage.MoveStatusRequest;
import io.dkv.protocol.ClientMessage.MoveStatusResponse;
import io.dkv.protocol.ClientMessage.NamespaceInfo;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The directory procedures (status, moves, changes): any node answers them, so they go round-robin over the endpoints
 * whatever the client's routing, with the retries and failover of {@link RetryingCaller}. Also
 * translates between the wire messages and the public value types, so that those never expose
 * protocol classes.
 */
final class DirectoryCalls {
  private final RetryingCaller caller;
  /**
   * For changes: one attempt may take the whole request timeout. A node answers a change only
   * after the directory's majority has committed it (up to seconds in an election); cutting the
   * attempt short would send the retry to another node, which cannot tell it is a retry.
   */
  private final RetryingCaller changeCaller;

  DirectoryCalls(RpcClient rpc, List<InetSocketAddress> endpoints, Duration requestTimeout,
                 Duration attemptTimeout) {
    RecursiveRouter router = new RecursiveRouter(endpoints);
    this.caller = new RetryingCaller(rpc, router, requestTimeout, attemptTimeout);
    this.changeCaller = new RetryingCaller(rpc, router, requestTimeout, requestTimeout);
  }

  CompletableFuture<ClusterStatus> clusterStatus() {
    byte[] body = MessageCodec.encode(new ClusterStatusRequest());
    return call(Procedure.CLUSTER_STATUS, body, false)
        .thenApply(b -> toStatus((ClusterStatusResponse) MessageCodec.decodeResponse(Procedure.CLUSTER_STATUS, b)));
  }

  CompletableFuture<MoveStatus> moveStatus() {
    byte[] body = MessageCodec.encode(new MoveStatusRequest());
    return call(Procedure.MOVE_STATUS, body, false)
        .thenApply(b -> toMoves((MoveStatusResponse) MessageCodec.decodeResponse(Procedure.MOVE_STATUS, b)));
  }

  CompletableFuture<Long> createNamespace(NamespaceSettings settings) {
    Objects.requireNonNull(settings, "settings");
    NamespaceInfo info = new NamespaceInfo(settings.name(), toWire(settings.mode()), settings.n(),
        settings.w(), settings.r());
    return change(Procedure.CREATE_NAMESPACE, new CreateNamespaceRequest(info), "namespace name");
  }

  CompletableFuture<Long> dropNamespace(String name) {
    return change(Procedure.DROP_NAMESPACE, new DropNamespaceRequest(Objects.requireNonNull(name, "name")),
        "namespace name");
  }

  CompletableFuture<Long> removeNode(String nodeId) {
    return change(Procedure.LEAVE, new LeaveRequest(Objects.requireNonNull(nodeId, "nodeId")), "node id");
  }

  /**
   * A change is sent like a key write: every retry carries the first attempt's request id.
   * {@code field} names the one string the wire may not carry (too long), for the error.
   */
  private CompletableFuture<Long> change(Procedure procedure, ClientMessage request, String field) {
    byte[] body;
    try {
      body = MessageCodec.encode(request);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(new InvalidRequestException(field + ": " + e.getMessage()));
    }
    return call(procedure, body, true)
        .thenApply(b -> ((DirectoryChangeResponse) MessageCodec.decodeResponse(procedure, b)).epoch());
  }

  private CompletableFuture<byte[]> call(Procedure procedure, byte[] body, boolean change) {
    WriteOutcome outcome = change ? WriteOutcome.UNKNOWN : WriteOutcome.NOT_A_WRITE;
    // No namespace or key: the router sends directory calls to any endpoint.
    return (change ? changeCaller : caller).call(procedure, "", null, change, epoch -> body)
        // The caller's failures are DkvExceptions already; anything else came after a reply.
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(Failures.toDkvException(e, null, outcome)));
  }

  private static ClusterStatus toStatus(ClusterStatusResponse r) {
    List<ClusterMember> members = r.members().stream().map(DirectoryCalls::toMember).toList();
    List<NamespaceSettings> namespaces = r.namespaces().stream()
        .map(n -> new NamespaceSettings(n.name(), toMode(n.mode()), n.n(), n.w(), n.r()))
        .toList();
    Optional<String> leader = r.leader().isEmpty() ? Optional.empty() : Optional.of(r.leader());
    return new ClusterStatus(r.epoch(), leader, r.partitionCount(), r.replicationFactor(), members, namespaces);
  }

  private static ClusterMember toMember(MemberStatus m) {
    return new ClusterMember(m.nodeId(), m.address(), toState(m.state()), m.partitions(), m.voter());
  }

  private static MoveStatus toMoves(MoveStatusResponse r) {
    List<MoveStatus.MemberMoves> members = r.members().stream().map(m -> new MoveStatus.MemberMoves(
        m.nodeId(), toState(m.state()), m.partitions(), m.target(), m.learning(), m.leaving())).toList();
    return new MoveStatus(r.epoch(), r.movesInProgress(), members, r.node(), r.keysCopied(),
        r.partitionsPromoted());
  }

  private static ClusterMember.State toState(ClientMessage.MemberState state) {
    return switch (state) {
      case JOINING -> ClusterMember.State.JOINING;
      case UP -> ClusterMember.State.UP;
      case LEAVING -> ClusterMember.State.LEAVING;
      case DOWN -> ClusterMember.State.DOWN;
      case REMOVED -> ClusterMember.State.REMOVED;
    };
  }

  private static NamespaceSettings.Mode toMode(ClientMessage.NamespaceMode mode) {
    return switch (mode) {
      case STRONG -> NamespaceSettings.Mode.STRONG;
      case EVENTUAL -> NamespaceSettings.Mode.EVENTUAL;
    };
  }

  private static ClientMessage.NamespaceMode toWire(NamespaceSettings.Mode mode) {
    return switch (mode) {
      case STRONG -> ClientMessage.NamespaceMode.STRONG;
      case EVENTUAL -> ClientMessage.NamespaceMode.EVENTUAL;
    };
  }
}
