package io.dkv.client;

/** How a client finds the node that serves a key. */
public enum Routing {
  /** Send every request to any node; that node reads from or coordinates on the key's replicas. */
  RECURSIVE,
  /**
   * Fetch the partition map once and route by it: reads go straight to a replica of the key,
   * writes to a node of the key's replica set. One network hop less, at the cost of a cached map.
   */
  ITERATIVE
}
