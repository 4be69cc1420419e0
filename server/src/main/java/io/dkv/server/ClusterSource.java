package io.dkv.server;

import java.util.concurrent.CompletableFuture;

/** Where request handlers get the node's view of the cluster ({@link NodeDirectory} in a node). */
interface ClusterSource {
  /** The newest view this node has; never null. */
  Cluster current();

  /**
   * The view after asking the directory's leader for anything newer; fails when no leader
   * answers in time. For a handler that must not refuse a request on a view that may lag.
   */
  CompletableFuture<Cluster> refresh();
}
