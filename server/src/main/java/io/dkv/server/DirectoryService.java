package io.dkv.server;

import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.MoveProgress;
import io.dkv.core.directory.Namespace;
import io.dkv.core.directory.NamespaceMode;
import io.dkv.core.directory.NodeState;
import io.dkv.protocol.ClientMessage;
import io.dkv.protocol.ClientMessage.ClusterStatusResponse;
import io.dkv.protocol.ClientMessage.CreateNamespaceRequest;
import io.dkv.protocol.ClientMessage.DirectoryChangeResponse;
import io.dkv.protocol.ClientMessage.DropNamespaceRequest;
import io.dkv.protocol.ClientMessage.JoinOutcome;
import io.dkv.protocol.ClientMessage.JoinRequest;
import io.dkv.protocol.ClientMessage.JoinResponse;
import io.dkv.protocol.ClientMessage.LeaveRequest;
import io.dkv.protocol.ClientMessage.MemberMoves;
import io.dkv.protocol.ClientMessage.MemberState;
import io.dkv.protocol.ClientMessage.MemberStatus;
import io.dkv.protocol.ClientMessage.MoveStatusResponse;
import io.dkv.protocol.ClientMessage.NamespaceInfo;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RequestContext;
import io.dkv.rpc.RpcException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Serves the directory's client procedures: the cluster's status and its partition moves as this
 * node knows them, and changes (namespaces, nodes joining and leaving), which go to the
 * directory's replicated log. Called on RPC event-loop threads; never blocks.
 */
final class DirectoryService {
  private static final String NAMESPACES_HINT = "dkv ns list";
  private static final String MEMBERS_HINT = "dkv cluster status";

  private final NodeDirectory directory;
  private final String self;
  private final Supplier<CatchUp.Counters> learner;

  /**
   * @param self    this node's id, named in the moves' answer
   * @param learner this node's copy counters as a learner
   */
  DirectoryService(NodeDirectory directory, String self, Supplier<CatchUp.Counters> learner) {
    this.directory = directory;
    this.self = self;
    this.learner = learner;
  }

  CompletableFuture<byte[]> status(RequestContext ctx, byte[] body) {
    MessageCodec.decodeRequest(Procedure.CLUSTER_STATUS, body);
    DirectoryState s = directory.current().state();
    var members = s.members().stream().map(m -> new MemberStatus(m.nodeId(), m.address(),
        wireState(m.state()), s.map().partitionsOf(m.nodeId()).size(), isVoter(m.nodeId()))).toList();
    var namespaces = s.namespaces().stream()
        .map(ns -> new NamespaceInfo(ns.name(), wireMode(ns), ns.n(), ns.w(), ns.r())).toList();
    return CompletableFuture.completedFuture(MessageCodec.encode(new ClusterStatusResponse(
        s.epoch(), directory.directory().leader().orElse(""), s.map().partitionCount(),
        s.map().replicationFactor(), members, namespaces)));
  }

  /** Where the partition moves stand in this node's view, and this node's copy counters. */
  CompletableFuture<byte[]> moveStatus(RequestContext ctx, byte[] body) {
    MessageCodec.decodeRequest(Procedure.MOVE_STATUS, body);
    MoveProgress progress = MoveProgress.of(directory.current().state());
    var members = progress.members().stream().map(m -> new MemberMoves(m.nodeId(),
        wireState(m.state()), m.partitions(), m.target(), m.learning(), m.leaving())).toList();
    CatchUp.Counters counters = learner.get();
    return CompletableFuture.completedFuture(MessageCodec.encode(new MoveStatusResponse(
        progress.epoch(), progress.movesInProgress(), members, self, counters.keysCopied(),
        counters.partitionsPromoted())));
  }

  CompletableFuture<byte[]> createNamespace(RequestContext ctx, byte[] body) {
    NamespaceInfo ns = ((CreateNamespaceRequest) MessageCodec.decodeRequest(Procedure.CREATE_NAMESPACE,
        body)).namespace();
    NamespaceMode mode = switch (ns.mode()) {
      case STRONG -> NamespaceMode.STRONG;
      case EVENTUAL -> NamespaceMode.EVENTUAL;
    };
    return change(new DirectoryCommand.CreateNamespace(ns.name(), mode, ns.n(),
        ns.w(), ns.r()), "create namespace '" + ns.name() + "'", NAMESPACES_HINT);
  }

  CompletableFuture<byte[]> dropNamespace(RequestContext ctx, byte[] body) {
    String name = ((DropNamespaceRequest) MessageCodec.decodeRequest(Procedure.DROP_NAMESPACE, body)).name();
    return change(new DirectoryCommand.DropNamespace(name), "drop namespace '" + name + "'",
        NAMESPACES_HINT);
  }

  /**
   * A node asks to join: its {@code Join} goes to the directory, and the answer, sent once this
   * node's view has the outcome's epoch, carries the voters, Q and RF whatever the outcome, since
   * a node that is already a member (a restart) needs them as much as a new one. The directory
   * judges the id and address; a refusal because the node is a member at that very address is
   * ALREADY_MEMBER, any other REFUSED with the directory's reason.
   */
  CompletableFuture<byte[]> join(RequestContext ctx, byte[] body) {
    JoinRequest join = (JoinRequest) MessageCodec.decodeRequest(Procedure.JOIN, body);
    String what = "join node '" + join.nodeId() + "' at " + join.address();
    return submit(new DirectoryCommand.Join(join.nodeId(), join.address()), what, MEMBERS_HINT)
        .thenCompose(result -> directory.awaitEpoch(result.epoch())
            .thenApply(seen -> MessageCodec.encode(joinAnswer(join, result))));
  }

  private JoinResponse joinAnswer(JoinRequest join, CommandResult result) {
    DirectoryState s = directory.current().state();
    JoinOutcome outcome = switch (result) {
      case CommandResult.Accepted a -> JoinOutcome.ACCEPTED;
      case CommandResult.Rejected r -> s.member(join.nodeId())
          .filter(m -> m.state() != NodeState.REMOVED && m.address().equals(join.address()))
          .isPresent() ? JoinOutcome.ALREADY_MEMBER : JoinOutcome.REFUSED;
    };
    String reason = result instanceof CommandResult.Rejected r ? r.reason() : "";
    var voters = directory.voters().stream()
        .map(v -> new ClientMessage.Member(v.nodeId(), v.host(), v.port())).toList();
    return new JoinResponse(outcome, result.epoch(), reason, s.map().partitionCount(),
        s.map().replicationFactor(), voters);
  }

  /**
   * Starts removing a node: the directory marks it leaving, and it is removed once its partitions
   * have moved. A directory voter is refused here: the voter set is fixed at start, and a removed
   * voter would still count in every majority.
   */
  CompletableFuture<byte[]> leave(RequestContext ctx, byte[] body) {
    String nodeId = ((LeaveRequest) MessageCodec.decodeRequest(Procedure.LEAVE, body)).nodeId();
    String what = "remove node '" + nodeId + "'";
    if (isVoter(nodeId)) {
      throw new RpcException(ErrorCode.INVALID_ARGUMENT, "cannot " + what + ": it is a directory"
          + " voter " + directory.voters() + ", and the voter set is fixed at start; only a node"
          + " that is not a voter can be removed");
    }
    return change(new DirectoryCommand.Leave(nodeId), what, MEMBERS_HINT);
  }

  /**
   * Submits {@code command} and answers once this node's own view has reached the new epoch, so
   * that a client's next request through this node already sees the change. A refusal is
   * INVALID_ARGUMENT with the directory's reason.
   */
  private CompletableFuture<byte[]> change(DirectoryCommand command, String what, String hint) {
    return submit(command, what, hint).thenCompose(result -> switch (result) {
      case CommandResult.Rejected r -> CompletableFuture.failedFuture(
          new RpcException(ErrorCode.INVALID_ARGUMENT, "cannot " + what + ": " + r.reason()));
      case CommandResult.Accepted a -> directory.awaitEpoch(a.epoch())
          .thenApply(seen -> MessageCodec.encode(new DirectoryChangeResponse(a.epoch())));
    });
  }

  /**
   * The directory's result for {@code command}; no confirmation in time is TIMEOUT (outcome
   * unknown), since the change may still be applied: {@code hint} says where to look.
   */
  private CompletableFuture<CommandResult> submit(DirectoryCommand command, String what, String hint) {
    return directory.submit(command)
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(new RpcException(ErrorCode.TIMEOUT,
            "outcome unknown: the directory did not confirm '" + what + "' (" + rootCause(e) + "): a"
                + " majority of its voters " + directory.voters() + " must be reachable; the change"
                + " may still be applied, so look (" + hint + ") before trying again")));
  }

  private boolean isVoter(String nodeId) {
    return directory.voters().stream().anyMatch(v -> v.nodeId().equals(nodeId));
  }

  private static String rootCause(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return t.toString();
  }

  private static MemberState wireState(NodeState state) {
    return switch (state) {
      case JOINING -> MemberState.JOINING;
      case UP -> MemberState.UP;
      case LEAVING -> MemberState.LEAVING;
      case DOWN -> MemberState.DOWN;
      case REMOVED -> MemberState.REMOVED;
    };
  }

  /** The wire's mode of a namespace. */
  private static io.dkv.protocol.ClientMessage.NamespaceMode wireMode(Namespace ns) {
    return switch (ns.mode()) {
      case STRONG -> io.dkv.protocol.ClientMessage.NamespaceMode.STRONG;
      case EVENTUAL -> io.dkv.protocol.ClientMessage.NamespaceMode.EVENTUAL;
    };
  }
}
