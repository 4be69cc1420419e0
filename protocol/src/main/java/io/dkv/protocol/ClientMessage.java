package io.dkv.protocol;

import java.util.List;

/**
 * Messages between a client and any node (also node to node when a node forwards a client's
 * request). Each request is one procedure; its reply is a response frame with the same request id.
 */
public sealed interface ClientMessage {

  /**
   * Read one key.
   *
   * @param direct true in iterative routing: the receiver must be a replica and serve it itself;
   *               false: any node serves it, forwarding to a replica when it is not one
   * @param epoch  the partition-map epoch the client routed with; 0 when it has none
   */
  record GetRequest(String namespace, Bytes key, boolean direct, long epoch) implements ClientMessage {}

  /** {@code version} is 0 and {@code value} empty when the key is absent. */
  record GetResponse(boolean found, long version, Bytes value) implements ClientMessage {}

  /** Change one key; the procedure id tells the mutation kind. Coordinated by the receiver. */
  record WriteRequest(String namespace, Bytes key, Mutation mutation, long epoch) implements ClientMessage {}

  /**
   * The outcome of a write.
   *
   * @param version OK: the key's new version; CONDITION_FAILED: the key's current version (0 if
   *                absent); NOT_FOUND: 0
   */
  record WriteResponse(WriteStatus status, long version) implements ClientMessage {}

  enum WriteStatus {
    OK,
    /** putIfAbsent found a different value, or compareAndSet found another version. */
    CONDITION_FAILED,
    /** delete found no key. */
    NOT_FOUND
  }

  /** Ask a node for the partition map, for iterative routing. */
  record PartitionMapRequest() implements ClientMessage {}

  /**
   * The partition map: partition p's ordered replica set is {@code replicas.get(p)}, each entry an
   * index into {@code members}.
   */
  record PartitionMapResponse(long epoch, List<Member> members, List<int[]> replicas)
      implements ClientMessage {}

  /** A node of the cluster and the address it serves on. */
  record Member(String nodeId, String host, int port) {}

  /** Ask a node how it is doing. */
  record StatusRequest() implements ClientMessage {}

  /**
   * One node's view of itself.
   *
   * @param activeTransactions transactions this node coordinates that are not yet finished
   * @param preparedKeys       keys locked here by a prepared transaction
   */
  record StatusResponse(String nodeId, long epoch, long uptimeMillis, int partitionsReplicated,
                        int activeTransactions, int preparedKeys, List<Member> members)
      implements ClientMessage {}

  /** Sent instead of a response when a request failed. */
  record ErrorResponse(ErrorCode code, String message) implements ClientMessage {}
}
