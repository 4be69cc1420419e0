package io.dkv.server;

import io.dkv.core.directory.Namespace;
import io.dkv.core.directory.NamespaceMode;
import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.Partitioner;
import io.dkv.core.twopc.ClientCommand;
import io.dkv.core.twopc.ClientResult;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.GetRequest;
import io.dkv.protocol.ClientMessage.GetResponse;
import io.dkv.protocol.ClientMessage.QuorumGetRequest;
import io.dkv.protocol.ClientMessage.QuorumWriteRequest;
import io.dkv.protocol.ClientMessage.WriteRequest;
import io.dkv.protocol.ClientMessage.WriteResponse;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.Procedure;
import io.dkv.protocol.QuorumLevel;
import io.dkv.rpc.RequestContext;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Serves the client procedures: validates each request, then reads from the local replica,
 * forwards the read to a replica (recursive routing), or coordinates the write; requests to
 * eventual namespaces go to {@link EventualService}, which coordinates them here.
 * Called on RPC event-loop threads; never blocks.
 */
final class ClientService {
  /**
   * The longest a forwarded read waits for one replica while another is left to try: a hung
   * replica costs at most this much of the caller's deadline. A healthy replica answers in well
   * under a millisecond, or waits for an in-doubt transaction, which the next replica waits for too.
   */
  static final long FORWARD_ATTEMPT_MILLIS = 1_000;
  /** Failures of a forwarded read after which another replica may still answer. */
  private static final Set<ErrorCode> TRY_NEXT_REPLICA =
      EnumSet.of(ErrorCode.TIMEOUT, ErrorCode.UNAVAILABLE, ErrorCode.BUSY);

  private final NodeConfig config;
  private final ClusterSource clusters;
  private final CoreLoop core;
  private final EventualService eventual;
  private final RpcClient peers;
  private final ReadLease lease;
  private final ReplicaHealth replicaHealth;
  /** Where the next forwarded read starts in its replica list: round robin spreads the load. */
  private final AtomicInteger nextForwardStart = new AtomicInteger();

  /**
   * @param clusters the node's view of the cluster, read once per request
   * @param lease whether this node may serve strong reads from its own replica
   */
  ClientService(NodeConfig config, ClusterSource clusters, CoreLoop core, EventualService eventual,
                RpcClient peers, ReadLease lease) {
    this.config = config;
    this.eventual = eventual;
    this.lease = lease;
    this.replicaHealth = new ReplicaHealth(config.nodeId(), peers);
    this.clusters = clusters;
    this.core = core;
    this.peers = peers;
  }

  CompletableFuture<byte[]> get(RequestContext ctx, byte[] body) {
    GetRequest req = (GetRequest) MessageCodec.decodeRequest(Procedure.GET, body);
    return withNamespace(req.namespace(), view -> get(ctx, req, null, view));
  }

  /** GET_WITH_QUORUM: a read of an eventual namespace with its own R. */
  CompletableFuture<byte[]> getWithQuorum(RequestContext ctx, byte[] body) {
    QuorumGetRequest req = (QuorumGetRequest) MessageCodec.decodeRequest(Procedure.GET_WITH_QUORUM, body);
    return withNamespace(req.get().namespace(), view -> get(ctx, req.get(), req.readQuorum(), view));
  }

  /** @param readQuorum the request's own R (eventual namespaces only), or null */
  private CompletableFuture<byte[]> get(RequestContext ctx, GetRequest req, QuorumLevel readQuorum, Cluster view) {
    Namespace ns = validate(view, req.namespace(), req.key(), req.epoch());
    if (ns.mode() == NamespaceMode.EVENTUAL) {
      return eventual.get(req, readQuorum, ns, ns.storageName(), view.map(), deadlineMillis(ctx, "read"));
    }
    requireNoQuorum(ns, readQuorum, "R");
    String storageName = ns.storageName();
    PartitionMap map = view.map();
    List<String> replicas = map.replicas(Partitioner.partitionOf(req.namespace(), req.key(),
        map.partitionCount()));
    long deadlineMillis = deadlineMillis(ctx, "read");
    boolean replica = replicas.contains(config.nodeId());
    if (replica && lease.isValid(System.nanoTime())) {
      // Checked again when the read is answered: a read parked on an in-doubt key may outlive
      // the lease, and past it the others may already be writing without this replica.
      return core.submit(h -> new ClientCommand.Read(h, storageName, req.key(), deadlineMillis))
          .thenApply(result -> {
            requireLease();
            return encode(result);
          });
    }
    if (req.direct()) {
      if (replica) {
        requireLease();
      }
      throw new RpcException(ErrorCode.NOT_REPLICA, "node " + config.nodeId()
          + " is not a replica of this key (replicas: " + replicas + "); refresh the partition map");
    }
    // Recursive routing: any replica with a lease serves linearizable reads.
    List<String> others = replica ? replicas.stream()
        .filter(r -> !r.equals(config.nodeId())).toList() : replicas;
    if (others.isEmpty()) {
      requireLease();
    }
    int start = Math.floorMod(nextForwardStart.getAndIncrement(), others.size());
    byte[] forward = MessageCodec.encode(new GetRequest(req.namespace(), req.key(), true, map.epoch()));
    return forwardRead(view, others, start, 0, forward, deadlineMillis);
  }

  /** Refuses, retryably, a read this node may not serve: its read lease is not valid now. */
  private void requireLease() {
    long now = System.nanoTime();
    if (!lease.isValid(now)) {
      throw new RpcException(ErrorCode.UNAVAILABLE, "node " + config.nodeId() + " holds no read"
          + " lease, so it cannot serve strong reads: " + lease.whyInvalid(now)
          + "; it cannot reach the directory, or the directory marked it down");
    }
  }

  /**
   * Asks the replicas in turn, from {@code start}, until one answers. Each attempt but the last gets
   * at most {@link #FORWARD_ATTEMPT_MILLIS}, so a hung replica cannot eat the caller's deadline; a
   * TIMEOUT, UNAVAILABLE or BUSY moves on to the next replica. The last replica gets whatever time
   * is left, since cutting it short could only turn a slow answer into a failure.
   */
  private CompletableFuture<byte[]> forwardRead(Cluster view, List<String> replicas, int start, int tried,
                                                byte[] body, long deadlineMillis) {
    String target = replicas.get((start + tried) % replicas.size());
    long remaining = deadlineMillis - CoreLoop.nowMillis();
    if (remaining <= 0) {
      return CompletableFuture.failedFuture(new RpcException(ErrorCode.TIMEOUT,
          "read deadline passed while forwarding to the key's replicas " + replicas));
    }
    boolean last = tried + 1 == replicas.size();
    long attemptMillis = last ? remaining : Math.min(remaining, FORWARD_ATTEMPT_MILLIS);
    return peers.call(view.address(target), Procedure.GET.id(), body, Duration.ofMillis(attemptMillis))
        .exceptionallyCompose(e -> {
          Throwable cause = e instanceof CompletionException ? e.getCause() : e;
          if (!last && cause instanceof RpcException re && TRY_NEXT_REPLICA.contains(re.code())) {
            return forwardRead(view, replicas, start, tried + 1, body, deadlineMillis);
          }
          return CompletableFuture.failedFuture(cause);
        });
  }

  CompletableFuture<byte[]> write(Procedure procedure, RequestContext ctx, byte[] body) {
    WriteRequest req = (WriteRequest) MessageCodec.decodeRequest(procedure, body);
    return withNamespace(req.namespace(), view -> write(ctx, req, null, view));
  }

  /** PUT_WITH_QUORUM and DELETE_WITH_QUORUM: writes of an eventual namespace with their own W. */
  CompletableFuture<byte[]> writeWithQuorum(Procedure procedure, RequestContext ctx, byte[] body) {
    QuorumWriteRequest req = (QuorumWriteRequest) MessageCodec.decodeRequest(procedure, body);
    return withNamespace(req.write().namespace(), view -> write(ctx, req.write(), req.writeQuorum(), view));
  }

  /** A strong namespace has W = N and R = 1 for good: a request's own quorum is refused. */
  private static void requireNoQuorum(Namespace ns, QuorumLevel level, String which) {
    if (level != null) {
      throw new RpcException(ErrorCode.INVALID_ARGUMENT, "namespace '" + ns.name() + "' is strong (W = N, R = 1"
          + " always); a request's own " + which + " (" + level + ") applies only to eventual namespaces");
    }
  }

  /**
   * Runs {@code action} on a view that knows {@code namespace} if there is one: this node's view
   * may lag behind a namespace created a moment ago through another node, so an unknown name is
   * looked up at the directory's leader once before the request is refused. If the leader cannot
   * be reached, the node's own view decides.
   */
  private CompletableFuture<byte[]> withNamespace(String namespace,
                                                  Function<Cluster, CompletableFuture<byte[]>> action) {
    Cluster view = clusters.current();
    if (view.namespace(namespace).isPresent()) {
      return action.apply(view);
    }
    return clusters.refresh().exceptionally(e -> clusters.current()).thenCompose(action);
  }

  /** @param writeQuorum the request's own W (eventual namespaces only), or null */
  private CompletableFuture<byte[]> write(RequestContext ctx, WriteRequest req, QuorumLevel writeQuorum,
                                          Cluster view) {
    Namespace ns = validate(view, req.namespace(), req.key(), req.epoch());
    validate(req.mutation());
    if (ns.mode() == NamespaceMode.EVENTUAL) {
      return eventual.write(ctx.requestId(), req, writeQuorum, ns, ns.storageName(), view.state(),
          deadlineMillis(ctx, "write"));
    }
    requireNoQuorum(ns, writeQuorum, "W");
    String storageName = ns.storageName();
    PartitionMap map = view.map();
    int partition = Partitioner.partitionOf(req.namespace(), req.key(), map.partitionCount());
    // Every participant: the replicas, and a learner or leaving node while the partition moves.
    List<String> participants = map.participants(partition);
    replicaHealth.requireWritable(view, participants);
    long deadlineMillis = deadlineMillis(ctx, "write");
    // The partition's own epoch, not the map's: a participant refuses the PREPARE only if this
    // partition's nodes changed since, not for a change elsewhere in the map.
    return core.submit(h -> new ClientCommand.Write(h, ctx.requestId(), storageName, req.key(),
            req.mutation(), participants, map.partitionEpoch(partition), deadlineMillis))
        .thenApply(ClientService::encode);
  }

  /** Checks the request's namespace, key and epoch; returns the namespace. */
  private Namespace validate(Cluster view, String namespace, Bytes key, long epoch) {
    Namespace ns = view.namespace(namespace).orElseThrow(() -> new RpcException(
        ErrorCode.INVALID_ARGUMENT, "namespace '" + namespace + "' does not exist; this cluster has: "
            + view.state().namespaces().stream().map(Namespace::name).toList()
            + " (dkv ns create NAME adds one)"));
    if (key.length() == 0 || key.length() > config.maxKeyBytes()) {
      throw new RpcException(ErrorCode.INVALID_ARGUMENT, "key is " + key.length()
          + " bytes; keys must be 1.." + config.maxKeyBytes() + " bytes");
    }
    long current = view.map().epoch();
    if (epoch != 0 && epoch != current) {
      throw new RpcException(ErrorCode.STALE_EPOCH, "request routed with partition-map epoch "
          + epoch + " but the current epoch is " + current + "; refresh the map");
    }
    return ns;
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

  /**
   * The request's deadline on {@link CoreLoop#nowMillis()}'s clock: the caller's, capped by the
   * configured request timeout. Fails with TIMEOUT when the caller's has already passed, before
   * anything is started: the caller no longer waits, and a write it gave up on must not run.
   */
  private long deadlineMillis(RequestContext ctx, String what) {
    if (ctx.expiredAt(System.nanoTime())) {
      throw new RpcException(ErrorCode.TIMEOUT, "the " + what + "'s deadline had passed before node "
          + config.nodeId() + " could start it; nothing was done");
    }
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
      case ClientResult.Copied c -> throw new IllegalStateException("not a client's answer: " + c);
      case ClientResult.Installed i -> throw new IllegalStateException("not a client's answer: " + i);
    };
  }
}
