package io.dkv.server;

import io.dkv.core.directory.Member;
import io.dkv.core.directory.NodeState;
import io.dkv.protocol.ClientMessage.StatusRequest;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Refuses a write before anything is prepared when a replica of its partition is known to be
 * gone: down in this node's view, or unreachable at the transport. Every replica must vote for a
 * write, so such a write could only fail; worse, the other replicas would hold it prepared, with
 * its key locked, until the missing one answers again (a participant that never voted can only be
 * heard from, not decided for; {@code docs/two-phase-commit.md} §10). Refusing is always safe and
 * retryable: the client retries until the directory has evicted the replica
 * ({@code docs/directory.md} §8) or it is back.
 *
 * <p>A refused write sends nothing to the replica, so this sends it a status call instead, at most
 * every {@link #PROBE_INTERVAL_MILLIS}, to notice when it is back. Thread-safe.
 */
final class ReplicaHealth {
  static final long PROBE_INTERVAL_MILLIS = 200;

  private final String self;
  private final RpcClient peers;
  private final Map<InetSocketAddress, Long> lastProbeNanos = new ConcurrentHashMap<>();

  ReplicaHealth(String self, RpcClient peers) {
    this.self = self;
    this.peers = peers;
  }

  /** Throws UNAVAILABLE naming the first replica other than this node that is down or unreachable. */
  void requireWritable(Cluster view, List<String> replicas) {
    for (String replica : replicas) {
      if (replica.equals(self)) {
        continue;
      }
      if (view.state().member(replica).map(Member::state).orElse(null) == NodeState.DOWN) {
        throw refusal(replica, "is down in the directory (epoch " + view.state().epoch() + ")");
      }
      InetSocketAddress address = view.address(replica);
      if (peers.unreachable(address)) {
        probe(address);
        throw refusal(replica, "is unreachable from node " + self);
      }
    }
  }

  private RpcException refusal(String replica, String why) {
    return new RpcException(ErrorCode.UNAVAILABLE, "replica " + replica + " of this key " + why
        + "; nothing was written; retry: writes go on once the directory evicts it or it is back");
  }

  private void probe(InetSocketAddress address) {
    long now = System.nanoTime();
    Long last = lastProbeNanos.get(address);
    if (last != null && now - last < TimeUnit.MILLISECONDS.toNanos(PROBE_INTERVAL_MILLIS)) {
      return;
    }
    lastProbeNanos.put(address, now);
    peers.call(address, Procedure.STATUS.id(), MessageCodec.encode(new StatusRequest()),
            Duration.ofMillis(PROBE_INTERVAL_MILLIS))
        .exceptionally(e -> null); // only connecting matters: the answer is not needed
  }
}
