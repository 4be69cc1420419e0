package io.dkv.client.internal;

import io.dkv.core.placement.Partitioner;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.Member;
import io.dkv.protocol.ClientMessage.PartitionMapRequest;
import io.dkv.protocol.ClientMessage.PartitionMapResponse;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Iterative routing: fetch the partition map from any endpoint, then send each request straight to
 * a replica of its key (spread over the replica set). The map is fetched again when a node says it
 * is stale.
 */
public final class IterativeRouter implements Router {
  private static final long SKIP_MILLIS = 2_000;

  private record Snapshot(long epoch, List<InetSocketAddress> members, List<int[]> replicas) {}

  private final RpcClient rpc;
  private final List<InetSocketAddress> seeds;
  private final Duration fetchTimeout;
  private final AtomicReference<CompletableFuture<Snapshot>> map = new AtomicReference<>();
  private final AtomicInteger next = new AtomicInteger();
  private final Map<InetSocketAddress, Long> downUntilNanos = new ConcurrentHashMap<>();

  public IterativeRouter(RpcClient rpc, List<InetSocketAddress> seeds, Duration fetchTimeout) {
    this.rpc = rpc;
    this.seeds = List.copyOf(seeds);
    this.fetchTimeout = fetchTimeout;
  }

  @Override
  public CompletableFuture<Target> route(String namespace, Bytes key, boolean write) {
    return snapshot().thenApply(s -> {
      int partition = Partitioner.partitionOf(namespace, key, s.replicas().size());
      List<InetSocketAddress> replicas = new ArrayList<>();
      for (int i : s.replicas().get(partition)) {
        replicas.add(s.members().get(i));
      }
      return new Target(RecursiveRouter.pick(replicas, downUntilNanos, next), s.epoch());
    });
  }

  /** The cached map, or one fetch of it shared by every caller that needs it meanwhile. */
  private CompletableFuture<Snapshot> snapshot() {
    CompletableFuture<Snapshot> current = map.get();
    if (current != null && !current.isCompletedExceptionally()) {
      return current;
    }
    CompletableFuture<Snapshot> fetch = new CompletableFuture<>();
    if (!map.compareAndSet(current, fetch)) {
      return map.get();
    }
    fetchFrom(0, fetch);
    return fetch;
  }

  private void fetchFrom(int seedIndex, CompletableFuture<Snapshot> result) {
    InetSocketAddress seed = RecursiveRouter.pick(seeds, downUntilNanos, next);
    rpc.call(seed, Procedure.PARTITION_MAP.id(), MessageCodec.encode(new PartitionMapRequest()), fetchTimeout)
        .whenComplete((bytes, err) -> {
          if (err == null) {
            PartitionMapResponse r = (PartitionMapResponse)
                MessageCodec.decodeResponse(Procedure.PARTITION_MAP, bytes);
            List<InetSocketAddress> members = new ArrayList<>();
            for (Member m : r.members()) {
              members.add(new InetSocketAddress(m.host(), m.port()));
            }
            result.complete(new Snapshot(r.epoch(), members, r.replicas()));
          } else if (seedIndex + 1 < seeds.size()) {
            unreachable(seed);
            fetchFrom(seedIndex + 1, result);
          } else {
            result.completeExceptionally(err);
          }
        });
  }

  @Override
  public void unreachable(InetSocketAddress address) {
    downUntilNanos.put(address, System.nanoTime() + SKIP_MILLIS * 1_000_000);
  }

  @Override
  public void invalidate() {
    CompletableFuture<Snapshot> current = map.get();
    if (current != null && current.isDone()) {
      map.compareAndSet(current, null);
    }
  }

  @Override
  public boolean direct() {
    return true;
  }
}
