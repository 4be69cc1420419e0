package io.dkv.client.internal;

import io.dkv.core.placement.Partitioner;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.Member;
import io.dkv.protocol.ClientMessage.PartitionMapRequest;
import io.dkv.protocol.ClientMessage.PartitionMapResponse;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
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
 * is stale, or when the last fetch failed.
 */
public final class IterativeRouter implements Router {
  private static final long SKIP_MILLIS = 2_000;

  private record Snapshot(long epoch, List<InetSocketAddress> members, List<int[]> replicas) {
    /** The map {@code seed} sent; fails if it cannot route (no partitions, or one without replicas). */
    static Snapshot of(InetSocketAddress seed, byte[] body) {
      PartitionMapResponse r = (PartitionMapResponse) MessageCodec.decodeResponse(Procedure.PARTITION_MAP, body);
      List<InetSocketAddress> members = new ArrayList<>();
      for (Member m : r.members()) {
        members.add(new InetSocketAddress(m.host(), m.port()));
      }
      // The decoder checked that every replica index names a member.
      if (r.replicas().isEmpty() || r.replicas().stream().anyMatch(set -> set.length == 0)) {
        throw new IllegalStateException("the partition map from " + seed + " cannot route: it"
            + " needs at least one partition, each with at least one replica");
      }
      return new Snapshot(r.epoch(), members, r.replicas());
    }
  }

  private final RpcClient rpc;
  private final List<InetSocketAddress> seeds;
  private final Duration attemptTimeout;
  private final AtomicReference<CompletableFuture<Snapshot>> map = new AtomicReference<>();
  private final AtomicInteger next = new AtomicInteger();
  private final Map<InetSocketAddress, Long> downUntilNanos = new ConcurrentHashMap<>();

  /** @param attemptTimeout how long to wait for one seed's map before asking the next */
  public IterativeRouter(RpcClient rpc, List<InetSocketAddress> seeds, Duration attemptTimeout) {
    this.rpc = rpc;
    this.seeds = List.copyOf(seeds);
    this.attemptTimeout = attemptTimeout;
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

  /**
   * The cached map, or one fetch of it shared by every caller that needs it meanwhile. Never null:
   * if another thread swaps or clears the map between our read and our swap, we look again.
   */
  private CompletableFuture<Snapshot> snapshot() {
    while (true) {
      CompletableFuture<Snapshot> current = map.get();
      if (current != null && !current.isCompletedExceptionally()) {
        return current;
      }
      CompletableFuture<Snapshot> fetch = new CompletableFuture<>();
      if (map.compareAndSet(current, fetch)) {
        fetchFrom(0, fetch);
        return fetch;
      }
    }
  }

  /**
   * Asks the seeds in turn, each for at most the attempt timeout, until one answers with a usable
   * map. Always completes {@code result}, whatever goes wrong.
   */
  private void fetchFrom(int seedIndex, CompletableFuture<Snapshot> result) {
    try {
      InetSocketAddress seed = RecursiveRouter.pick(seeds, downUntilNanos, next);
      rpc.call(seed, Procedure.PARTITION_MAP.id(), MessageCodec.encode(new PartitionMapRequest()), attemptTimeout)
          .thenApply(bytes -> Snapshot.of(seed, bytes))
          .whenComplete((snapshot, err) -> {
            if (err == null) {
              result.complete(snapshot);
              return;
            }
            if (noAnswer(err)) {
              unreachable(seed);
            }
            if (seedIndex + 1 < seeds.size()) {
              fetchFrom(seedIndex + 1, result);
            } else {
              result.completeExceptionally(Failures.unwrap(err));
            }
          });
    } catch (RuntimeException e) {
      result.completeExceptionally(e);
    }
  }

  private static boolean noAnswer(Throwable err) {
    return Failures.unwrap(err) instanceof RpcException re
        && (re.code() == ErrorCode.TIMEOUT || re.code() == ErrorCode.UNAVAILABLE);
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
