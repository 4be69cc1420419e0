package io.dkv.torture;

import io.dkv.protocol.ClientMessage.ClusterStatusRequest;
import io.dkv.protocol.ClientMessage.ClusterStatusResponse;
import io.dkv.protocol.ClientMessage.PartitionMapRequest;
import io.dkv.protocol.ClientMessage.PartitionMapResponse;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * What the nodes of a run say of the directory, asked straight from the test's process (past every
 * fault, like the clients). Each node answers from its own view, and a node that is not a voter
 * sees a change up to a poll period later than the voters, so the freshest view is the one with
 * the highest epoch. Blocking; safe from any thread.
 */
final class NodeViews implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);

  private final Network network;
  private final RpcClient rpc = RpcClient.builder().build();

  NodeViews(Network network) {
    this.network = network;
  }

  /** The newest directory status among {@code nodes}; empty when none of them answers. */
  Optional<ClusterStatusResponse> freshestStatus(List<Integer> nodes) {
    List<CompletableFuture<ClusterStatusResponse>> asked = nodes.stream().map(n -> rpc.call(network.clientAddress(n),
            Procedure.CLUSTER_STATUS.id(), MessageCodec.encode(new ClusterStatusRequest()), TIMEOUT)
        .thenApply(body -> (ClusterStatusResponse) MessageCodec.decodeResponse(Procedure.CLUSTER_STATUS, body))
        .exceptionally(e -> null)).toList();
    return asked.stream().map(CompletableFuture::join).filter(Objects::nonNull)
        .max(Comparator.comparingLong(ClusterStatusResponse::epoch));
  }

  /** The partition map in {@code node}'s view; empty when it does not answer. */
  Optional<PartitionMapResponse> partitionMap(int node) {
    try {
      byte[] body = rpc.call(network.clientAddress(node), Procedure.PARTITION_MAP.id(),
          MessageCodec.encode(new PartitionMapRequest()), TIMEOUT).join();
      return Optional.of((PartitionMapResponse) MessageCodec.decodeResponse(Procedure.PARTITION_MAP, body));
    } catch (CompletionException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    rpc.close();
  }
}
