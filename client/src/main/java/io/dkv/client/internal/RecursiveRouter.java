package io.dkv.client.internal;

import io.dkv.protocol.Bytes;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Recursive routing: any node serves any request, so spread requests round-robin over the
 * endpoints, skipping for a while the ones that did not answer.
 */
public final class RecursiveRouter implements Router {
  private static final long SKIP_MILLIS = 2_000;

  private final List<InetSocketAddress> endpoints;
  private final AtomicInteger next = new AtomicInteger();
  private final Map<InetSocketAddress, Long> downUntilNanos = new ConcurrentHashMap<>();

  public RecursiveRouter(List<InetSocketAddress> endpoints) {
    this.endpoints = List.copyOf(endpoints);
  }

  @Override
  public CompletableFuture<Target> route(String namespace, Bytes key, boolean write) {
    return CompletableFuture.completedFuture(new Target(pick(endpoints, downUntilNanos, next), 0));
  }

  /** Round-robin over {@code candidates}, preferring those not marked down; all down: any. */
  static InetSocketAddress pick(List<InetSocketAddress> candidates,
                                Map<InetSocketAddress, Long> downUntilNanos, AtomicInteger next) {
    long now = System.nanoTime();
    int start = Math.floorMod(next.getAndIncrement(), candidates.size());
    for (int i = 0; i < candidates.size(); i++) {
      InetSocketAddress a = candidates.get((start + i) % candidates.size());
      Long until = downUntilNanos.get(a);
      if (until == null || until - now < 0) {
        return a;
      }
    }
    return candidates.get(start);
  }

  @Override
  public void unreachable(InetSocketAddress address) {
    downUntilNanos.put(address, System.nanoTime() + SKIP_MILLIS * 1_000_000);
  }

  @Override
  public void invalidate() {
    // Recursive routing keeps no map.
  }

  @Override
  public boolean direct() {
    return false;
  }
}
