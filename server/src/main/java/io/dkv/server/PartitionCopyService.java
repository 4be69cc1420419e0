package io.dkv.server;

import io.dkv.core.placement.PartitionMap;
import io.dkv.core.twopc.ClientCommand;
import io.dkv.core.twopc.ClientResult;
import io.dkv.core.twopc.CopiedEntry;
import io.dkv.protocol.ClientMessage.CopiedKey;
import io.dkv.protocol.ClientMessage.CopyRequest;
import io.dkv.protocol.ClientMessage.CopyResponse;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RequestContext;
import io.dkv.rpc.RpcException;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The replica's end of copying a partition to a learner (COPY_PARTITION): checks that this node
 * replicates every partition asked for, then reads a page through the core, which alone knows
 * which keys a transaction holds ({@link ClientCommand.Copy}).
 */
final class PartitionCopyService {
  /** Entries per page at most, whatever the learner asks: bounds a step of the core. */
  static final int MAX_PAGE_ENTRIES = 1_024;

  private final String self;
  private final ClusterSource clusters;
  private final CoreLoop core;

  PartitionCopyService(String self, ClusterSource clusters, CoreLoop core) {
    this.self = self;
    this.clusters = clusters;
    this.core = core;
  }

  CompletableFuture<byte[]> copy(RequestContext ctx, byte[] body) {
    CopyRequest req = (CopyRequest) MessageCodec.decodeRequest(Procedure.COPY_PARTITION, body);
    checkReplicaOf(self, clusters.current().map(), req.partitions());
    int max = Math.min(req.maxEntries(), MAX_PAGE_ENTRIES);
    return core.submit(h -> new ClientCommand.Copy(h, new HashSet<>(req.partitions()), req.since(),
            req.after(), max))
        .thenApply(PartitionCopyService::encode);
  }

  /** Refuses a copy of partitions that do not exist, or that {@code self} does not replicate. */
  static void checkReplicaOf(String self, PartitionMap map, List<Integer> partitions) {
    for (int p : partitions) {
      if (p >= map.partitionCount()) {
        throw new RpcException(ErrorCode.INVALID_ARGUMENT, "partition " + p + " does not exist;"
            + " partitions are 0.." + (map.partitionCount() - 1));
      }
      if (!map.replicas(p).contains(self)) {
        throw new RpcException(ErrorCode.NOT_REPLICA, "node " + self + " is not a replica of"
            + " partition " + p + " (replicas: " + map.replicas(p) + "); copy from one of them");
      }
    }
  }

  private static List<CopiedKey> wire(List<CopiedEntry> entries) {
    return entries.stream().map(e -> new CopiedKey(e.key(), e.record())).toList();
  }

  private static byte[] encode(ClientResult r) {
    return switch (r) {
      case ClientResult.Copied c -> MessageCodec.encode(new CopyResponse(c.done(), c.next(),
          wire(c.entries()), wire(c.requests())));
      case ClientResult.Failed f -> throw new RpcException(f.code(), f.message());
      default -> throw new IllegalStateException("a copy was answered with " + r);
    };
  }
}
