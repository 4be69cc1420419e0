package io.dkv.server;

import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.Member;
import io.dkv.core.directory.Namespace;
import io.dkv.core.directory.NamespaceMode;
import io.dkv.protocol.ClientMessage.ClusterStatusResponse;
import io.dkv.protocol.ClientMessage.CreateNamespaceRequest;
import io.dkv.protocol.ClientMessage.DirectoryChangeResponse;
import io.dkv.protocol.ClientMessage.DropNamespaceRequest;
import io.dkv.protocol.ClientMessage.MemberState;
import io.dkv.protocol.ClientMessage.MemberStatus;
import io.dkv.protocol.ClientMessage.NamespaceInfo;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RequestContext;
import io.dkv.rpc.RpcException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Serves the directory's client procedures: the cluster's status as this node knows it, and
 * namespace changes, which go to the directory's replicated log. Called on RPC event-loop threads;
 * never blocks.
 */
final class DirectoryService {
  private final NodeConfig config;
  private final NodeDirectory directory;

  DirectoryService(NodeConfig config, NodeDirectory directory) {
    this.config = config;
    this.directory = directory;
  }

  CompletableFuture<byte[]> status(RequestContext ctx, byte[] body) {
    MessageCodec.decodeRequest(Procedure.CLUSTER_STATUS, body);
    DirectoryState s = directory.current().state();
    var members = s.members().stream().map(m -> new MemberStatus(m.nodeId(), m.address(),
        wireState(m), s.map().partitionsOf(m.nodeId()).size(),
        config.voters().stream().anyMatch(v -> v.nodeId().equals(m.nodeId())))).toList();
    var namespaces = s.namespaces().stream()
        .map(ns -> new NamespaceInfo(ns.name(), wireMode(ns), ns.n(), ns.w(), ns.r())).toList();
    return CompletableFuture.completedFuture(MessageCodec.encode(new ClusterStatusResponse(
        s.epoch(), directory.directory().leader().orElse(""), s.map().partitionCount(),
        s.map().replicationFactor(), members, namespaces)));
  }

  CompletableFuture<byte[]> createNamespace(RequestContext ctx, byte[] body) {
    NamespaceInfo ns = ((CreateNamespaceRequest) MessageCodec.decodeRequest(Procedure.CREATE_NAMESPACE,
        body)).namespace();
    if (ns.mode() != io.dkv.protocol.ClientMessage.NamespaceMode.STRONG) {
      throw new RpcException(ErrorCode.INVALID_ARGUMENT, "namespace '" + ns.name() + "': mode "
          + ns.mode() + " is not available yet; use STRONG");
    }
    return change(new DirectoryCommand.CreateNamespace(ns.name(), NamespaceMode.STRONG, ns.n(),
        ns.w(), ns.r()), "create namespace '" + ns.name() + "'");
  }

  CompletableFuture<byte[]> dropNamespace(RequestContext ctx, byte[] body) {
    String name = ((DropNamespaceRequest) MessageCodec.decodeRequest(Procedure.DROP_NAMESPACE, body)).name();
    return change(new DirectoryCommand.DropNamespace(name), "drop namespace '" + name + "'");
  }

  /**
   * Submits {@code command} and answers once this node's own view has reached the new epoch, so
   * that a client's next request through this node already sees the change. A refusal is
   * INVALID_ARGUMENT with the directory's reason; no confirmation in time is TIMEOUT (outcome
   * unknown), since the change may still be applied.
   */
  private CompletableFuture<byte[]> change(DirectoryCommand command, String what) {
    return directory.submit(command)
        .exceptionallyCompose(e -> CompletableFuture.failedFuture(new RpcException(ErrorCode.TIMEOUT,
            "outcome unknown: the directory did not confirm '" + what + "' (" + rootCause(e) + "): a"
                + " majority of its voters " + config.voters() + " must be reachable; the change may"
                + " still be applied, so look (dkv ns list) before trying again")))
        .thenCompose(result -> switch (result) {
          case CommandResult.Rejected r -> CompletableFuture.failedFuture(
              new RpcException(ErrorCode.INVALID_ARGUMENT, "cannot " + what + ": " + r.reason()));
          case CommandResult.Accepted a -> directory.awaitEpoch(a.epoch())
              .thenApply(seen -> MessageCodec.encode(new DirectoryChangeResponse(a.epoch())));
        });
  }

  private static String rootCause(Throwable e) {
    Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    return t.toString();
  }

  private static MemberState wireState(Member m) {
    return switch (m.state()) {
      case JOINING -> MemberState.JOINING;
      case UP -> MemberState.UP;
      case LEAVING -> MemberState.LEAVING;
      case DOWN -> MemberState.DOWN;
      case REMOVED -> MemberState.REMOVED;
    };
  }

  /** The wire's mode of a namespace (only strong exists in the directory today). */
  private static io.dkv.protocol.ClientMessage.NamespaceMode wireMode(Namespace ns) {
    return switch (ns.mode()) {
      case STRONG -> io.dkv.protocol.ClientMessage.NamespaceMode.STRONG;
    };
  }
}
