package io.dkv.server;

import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.Partitioner;
import io.dkv.core.twopc.ClientCommand;
import io.dkv.core.twopc.ClientResult;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.GetRequest;
import io.dkv.protocol.ClientMessage.GetResponse;
import io.dkv.protocol.ClientMessage.WriteRequest;
import io.dkv.protocol.ClientMessage.WriteResponse;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RequestContext;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Serves the client procedures: validates each request, then reads from the local replica,
 * forwards the read to a replica (recursive routing), or coordinates the write.
 * Called on RPC event-loop threads; never blocks.
 */
final class ClientService {
  static final String DEFAULT_NAMESPACE = "default";

  private final NodeConfig config;
  private final Cluster cluster;
  private final CoreLoop core;
  private final RpcClient peers;

  ClientService(NodeConfig config, Cluster cluster, CoreLoop core, RpcClient peers) {
    this.config = config;
    this.cluster = cluster;
    this.core = core;
    this.peers = peers;
  }

  CompletableFuture<byte[]> get(RequestContext ctx, byte[] body) {
    GetRequest req = (GetRequest) MessageCodec.decodeRequest(Procedure.GET, body);
    validate(req.namespace(), req.key(), req.epoch());
    PartitionMap map = cluster.map();
    List<String> replicas = map.replicas(Partitioner.partitionOf(req.namespace(), req.key(),
        map.partitionCount()));
    long deadlineMillis = deadlineMillis(ctx);
    if (replicas.contains(config.nodeId())) {
      return core.submit(h -> new ClientCommand.Read(h, req.namespace(), req.key(), deadlineMillis))
          .thenApply(ClientService::encode);
    }
    if (req.direct()) {
      throw new RpcException(ErrorCode.NOT_REPLICA, "node " + config.nodeId()
          + " is not a replica of this key (replicas: " + replicas + "); refresh the partition map");
    }
    // Recursive routing: any replica serves linearizable reads; start at a random one so the
    // forwarding load spreads, and fall through to the next when one is unreachable.
    int start = ThreadLocalRandom.current().nextInt(replicas.size());
    byte[] forward = MessageCodec.encode(new GetRequest(req.namespace(), req.key(), true, map.epoch()));
    return forwardRead(replicas, start, 0, forward, deadlineMillis);
  }

  private CompletableFuture<byte[]> forwardRead(List<String> replicas, int start, int tried,
                                                byte[] body, long deadlineMillis) {
    String target = replicas.get((start + tried) % replicas.size());
    long remaining = deadlineMillis - CoreLoop.nowMillis();
    if (remaining <= 0) {
      return CompletableFuture.failedFuture(new RpcException(ErrorCode.TIMEOUT,
          "read deadline passed while forwarding to the key's replicas " + replicas));
    }
    return peers.call(cluster.address(target), Procedure.GET.id(), body, Duration.ofMillis(remaining))
        .exceptionallyCompose(e -> {
          Throwable cause = e instanceof java.util.concurrent.CompletionException ? e.getCause() : e;
          boolean retryElsewhere = cause instanceof RpcException re
              && (re.code() == ErrorCode.UNAVAILABLE || re.code() == ErrorCode.BUSY);
          if (retryElsewhere && tried + 1 < replicas.size()) {
            return forwardRead(replicas, start, tried + 1, body, deadlineMillis);
          }
          return CompletableFuture.failedFuture(cause);
        });
  }

  CompletableFuture<byte[]> write(Procedure procedure, RequestContext ctx, byte[] body) {
    WriteRequest req = (WriteRequest) MessageCodec.decodeRequest(procedure, body);
    validate(req.namespace(), req.key(), req.epoch());
    validate(req.mutation());
    PartitionMap map = cluster.map();
    List<String> replicas = map.replicas(Partitioner.partitionOf(req.namespace(), req.key(),
        map.partitionCount()));
    long deadlineMillis = deadlineMillis(ctx);
    return core.submit(h -> new ClientCommand.Write(h, ctx.requestId(), req.namespace(), req.key(),
            req.mutation(), replicas, map.epoch(), deadlineMillis))
        .thenApply(ClientService::encode);
  }

  private void validate(String namespace, Bytes key, long epoch) {
    if (!DEFAULT_NAMESPACE.equals(namespace)) {
      throw new RpcException(ErrorCode.INVALID_ARGUMENT, "namespace '" + namespace
          + "' does not exist; this cluster has: " + DEFAULT_NAMESPACE);
    }
    if (key.length() == 0 || key.length() > config.maxKeyBytes()) {
      throw new RpcException(ErrorCode.INVALID_ARGUMENT, "key is " + key.length()
          + " bytes; keys must be 1.." + config.maxKeyBytes() + " bytes");
    }
    long current = cluster.map().epoch();
    if (epoch != 0 && epoch != current) {
      throw new RpcException(ErrorCode.STALE_EPOCH, "request routed with partition-map epoch "
          + epoch + " but the current epoch is " + current + "; refresh the map");
    }
  }

  private void validate(Mutation m) {
    Bytes value = switch (m) {
      case Mutation.Put p -> p.value();
      case Mutation.PutIfAbsent p -> p.value();
      case Mutation.CompareAndSet c -> {
        if (c.expectedVersion() < 0) {
          throw new RpcException(ErrorCode.INVALID_ARGUMENT, "expected version "
              + c.expectedVersion() + " is negative; use 0 for 'absent' or a version a read returned");
        }
        yield c.value();
      }
      case Mutation.Delete d -> Bytes.EMPTY;
    };
    if (value.length() > config.maxValueBytes()) {
      throw new RpcException(ErrorCode.INVALID_ARGUMENT, "value is " + value.length()
          + " bytes; values must be at most " + config.maxValueBytes() + " bytes");
    }
  }

  private long deadlineMillis(RequestContext ctx) {
    long now = CoreLoop.nowMillis();
    long byConfig = now + config.requestTimeoutMillis();
    if (ctx.deadlineNanos() == 0) {
      return byConfig;
    }
    long byCaller = now + Math.max(0, (ctx.deadlineNanos() - System.nanoTime()) / 1_000_000);
    return Math.min(byConfig, byCaller);
  }

  private static byte[] encode(ClientResult r) {
    return switch (r) {
      case ClientResult.Written w -> MessageCodec.encode(new WriteResponse(w.status(), w.version()));
      case ClientResult.ReadValue v -> MessageCodec.encode(new GetResponse(v.found(), v.version(), v.value()));
      case ClientResult.Failed f -> throw new RpcException(f.code(), f.message());
    };
  }
}
