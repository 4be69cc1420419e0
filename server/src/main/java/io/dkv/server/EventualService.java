package io.dkv.server;

import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.Namespace;
import io.dkv.core.eventual.EventualCommand;
import io.dkv.core.eventual.EventualResult;
import io.dkv.core.eventual.EventualValue;
import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.Partitioner;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.GetRequest;
import io.dkv.protocol.ClientMessage.GetResponse;
import io.dkv.protocol.ClientMessage.WriteRequest;
import io.dkv.protocol.ClientMessage.WriteResponse;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.QuorumLevel;
import io.dkv.rpc.RpcException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Serves reads and writes of eventual namespaces (docs/eventual.md): the node that receives a
 * request coordinates it on the key's replicas, through {@link EventualLoop}. {@link ClientService}
 * has already checked the namespace, key, value and epoch. Called on RPC threads; never blocks.
 *
 * <p>The replicas of a key are the first N (the namespace's n) of its partition's replicas in the
 * map; the directory keeps N at most the cluster's replication factor. The quorum is the
 * namespace's W or R, or the request's own level resolved against N. A write also names the
 * fallbacks for hinted handoff and the replicas the directory marks down ({@link HandoffPlan}).
 */
final class EventualService {
  /**
   * How much sooner than the caller's deadline the coordinator gives up, at most (a quarter of the
   * time left when that is less): its answer ("only 2 of 3 replicas acknowledged") must reach the
   * caller before the caller stops waiting, or the caller sees only its own timeout. Generous,
   * because a loaded machine may take a while between the deadline's tick and the reply's send.
   */
  static final long ANSWER_MARGIN_MILLIS = 250;

  private final String nodeId;
  private final EventualLoop loop;

  EventualService(String nodeId, EventualLoop loop) {
    this.nodeId = nodeId;
    this.loop = loop;
  }

  CompletableFuture<byte[]> get(GetRequest req, QuorumLevel override, Namespace ns, String storageName,
                                PartitionMap map, long deadlineMillis) {
    int partition = Partitioner.partitionOf(req.namespace(), req.key(), map.partitionCount());
    if (req.direct() && !map.replicas(partition).contains(nodeId)) {
      throw new RpcException(ErrorCode.NOT_REPLICA, "node " + nodeId + " is not a replica of this key"
          + " (replicas: " + map.replicas(partition) + "); refresh the partition map");
    }
    List<String> replicas = replicas(ns, map, partition);
    int quorum = quorum(ns, override, replicas, "read quorum R", ns.r());
    return loop.submit(h -> new EventualCommand.Read(h, storageName, req.key(), replicas, quorum,
            answerBy(deadlineMillis)))
        .thenApply(result -> switch (result) {
          case EventualResult.ReadValue v -> MessageCodec.encode(switch (v.newest()) {
            case EventualValue.Present p -> new GetResponse(true, p.version().clockBits(), p.value());
            // Deleted or never written: to a client both are "not found".
            case EventualValue.Tombstone t -> new GetResponse(false, 0, Bytes.EMPTY);
            case EventualValue.Absent a -> new GetResponse(false, 0, Bytes.EMPTY);
          });
          case EventualResult.ReadIncomplete i -> throw new RpcException(ErrorCode.UNAVAILABLE, "only "
              + i.replies() + " of " + replicas.size() + " replicas " + replicas + " answered the read before"
              + " the deadline, R = " + i.required() + " were required; retry, or read with a smaller R");
          case EventualResult.Rejected r -> throw new RpcException(ErrorCode.INVALID_ARGUMENT, r.message());
          default -> throw unexpected(result);
        });
  }

  /** Puts and deletes; compareAndSet and putIfAbsent need a strong namespace. */
  CompletableFuture<byte[]> write(long requestId, WriteRequest req, QuorumLevel override, Namespace ns,
                                  String storageName, DirectoryState state, long deadlineMillis) {
    PartitionMap map = state.map();
    EventualCommand.Change change = switch (req.mutation()) {
      case Mutation.Put p -> new EventualCommand.Put(p.value());
      case Mutation.Delete d -> new EventualCommand.Delete();
      case Mutation.PutIfAbsent p -> throw notConditional("putIfAbsent", ns);
      case Mutation.CompareAndSet c -> throw notConditional("compareAndSet", ns);
    };
    int partition = Partitioner.partitionOf(req.namespace(), req.key(), map.partitionCount());
    List<String> replicas = replicas(ns, map, partition);
    int quorum = quorum(ns, override, replicas, "write quorum W", ns.w());
    HandoffPlan handoff = HandoffPlan.of(state, replicas, partition);
    return loop.submit(h -> new EventualCommand.Write(h, requestId, storageName, req.key(), change, replicas,
            quorum, answerBy(deadlineMillis), handoff.fallbacks(), handoff.down()))
        .thenApply(result -> switch (result) {
          // Versions are the hybrid clock's 64 bits; a delete always succeeds (it writes a tombstone).
          case EventualResult.Written w -> MessageCodec.encode(new WriteResponse(WriteStatus.OK,
              w.version().clockBits()));
          case EventualResult.WriteIncomplete i -> throw new RpcException(ErrorCode.TIMEOUT, "only " + i.acks()
              + " of " + replicas.size() + " replicas acknowledged the write, W = " + i.required()
              + " were required: " + i.reason() + "; its outcome is unknown: retry with the same request id");
          case EventualResult.Rejected r -> throw new RpcException(ErrorCode.INVALID_ARGUMENT, r.message());
          default -> throw unexpected(result);
        });
  }

  /** The first N replicas of the partition; fewer if the map has fewer now (a move under way). */
  private static List<String> replicas(Namespace ns, PartitionMap map, int partition) {
    List<String> all = map.replicas(partition);
    return List.copyOf(all.subList(0, Math.min(ns.n(), all.size())));
  }

  private static int quorum(Namespace ns, QuorumLevel override, List<String> replicas, String what, int configured) {
    int quorum = override == null ? configured : override.resolve(ns.n());
    if (quorum < 1 || quorum > ns.n()) {
      // Only a count can be out of range: quorum and all resolve within 1..N.
      throw new RpcException(ErrorCode.INVALID_ARGUMENT, what + " = " + quorum + " is out of range for"
          + " namespace '" + ns.name() + "': it must be between 1 and N = " + ns.n());
    }
    if (quorum > replicas.size()) {
      throw new RpcException(ErrorCode.UNAVAILABLE, "the key's partition has only " + replicas.size()
          + " of the N = " + ns.n() + " replicas of namespace '" + ns.name() + "' in the map now " + replicas
          + ", fewer than " + what + " = " + quorum + "; retry once the partition has its replicas again");
    }
    return quorum;
  }

  /**
   * The coordinator's deadline, on the eventual core's wall clock ({@link EventualLoop#wallMillis}):
   * a little before the caller's {@code deadlineMillis} (on {@link CoreLoop#nowMillis}), so that its
   * answer arrives in time.
   */
  private static long answerBy(long deadlineMillis) {
    long remaining = Math.max(0, deadlineMillis - CoreLoop.nowMillis());
    return EventualLoop.wallMillis() + remaining - Math.min(ANSWER_MARGIN_MILLIS, remaining / 4);
  }

  private static RpcException notConditional(String operation, Namespace ns) {
    return new RpcException(ErrorCode.INVALID_ARGUMENT, operation + " is not available on namespace '"
        + ns.name() + "': it is eventual, where concurrent writes are settled by last writer wins and no"
        + " replica can judge a condition for the others; use a strong namespace (dkv ns create NAME)"
        + " for conditional writes");
  }

  private static IllegalStateException unexpected(EventualResult r) {
    return new IllegalStateException("the eventual core answered " + r);
  }
}
