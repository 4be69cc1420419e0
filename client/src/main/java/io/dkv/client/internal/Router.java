package io.dkv.client.internal;

import io.dkv.protocol.Bytes;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

/** Picks the node a request goes to. Implementations are thread-safe and never block. */
public interface Router {
  /**
   * Where to send a read (or write) of {@code key}, with the map epoch to send along (0: none).
   * Each call returns a future of the caller's own, which the caller may complete (time out);
   * it may fail, for example when the partition map cannot be fetched.
   */
  CompletableFuture<Target> route(String namespace, Bytes key, boolean write);

  /** The node at {@code address} did not answer: prefer others for a while. */
  void unreachable(InetSocketAddress address);

  /** A node said our map is stale (or we reached a non-replica): fetch it again before routing. */
  void invalidate();

  /** Whether reads must be served by the receiving node itself (iterative) or may be forwarded. */
  boolean direct();

  record Target(InetSocketAddress address, long epoch) {}
}
