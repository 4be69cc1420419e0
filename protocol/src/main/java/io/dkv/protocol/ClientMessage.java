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

  /**
   * GET_WITH_QUORUM: a read of an eventual namespace that waits for {@code readQuorum} replicas
   * instead of the namespace's R.
   */
  record QuorumGetRequest(GetRequest get, QuorumLevel readQuorum) implements ClientMessage {}

  /**
   * PUT_WITH_QUORUM or DELETE_WITH_QUORUM (the procedure id tells which; the mutation is a put or
   * a delete): a write of an eventual namespace acknowledged after {@code writeQuorum} replicas
   * instead of the namespace's W.
   */
  record QuorumWriteRequest(WriteRequest write, QuorumLevel writeQuorum) implements ClientMessage {
    public QuorumWriteRequest {
      if (!(write.mutation() instanceof Mutation.Put || write.mutation() instanceof Mutation.Delete)) {
        throw new IllegalArgumentException("a write with its own quorum is a put or a delete, not "
            + write.mutation().getClass().getSimpleName());
      }
    }
  }

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

  /** Ask any node for the directory as it knows it: members, placement settings, namespaces. */
  record ClusterStatusRequest() implements ClientMessage {}

  /**
   * The directory as the answering node knows it.
   *
   * @param epoch  the directory epoch of this view
   * @param leader node id of the directory's Raft leader as the answering node knows it, "" when
   *               unknown
   */
  record ClusterStatusResponse(long epoch, String leader, int partitionCount, int replicationFactor,
                               List<MemberStatus> members, List<NamespaceInfo> namespaces)
      implements ClientMessage {}

  /**
   * One member of the directory.
   *
   * @param address    the member's dkv address, {@code HOST:PORT}
   * @param partitions how many partitions it replicates
   * @param voter      it is a directory (Raft) voter
   */
  record MemberStatus(String nodeId, String address, MemberState state, int partitions, boolean voter) {}

  /** A member's lifecycle state in the directory (docs/directory.md). */
  enum MemberState { JOINING, UP, LEAVING, DOWN, REMOVED }

  /** A namespace's settings: writes go to {@code n} replicas, acknowledged after {@code w}, reads after {@code r}. */
  record NamespaceInfo(String name, NamespaceMode mode, int n, int w, int r) {}

  enum NamespaceMode {
    /** Two-phase commit on every replica (W = N), reads from one replica (R = 1). */
    STRONG,
    /** Quorum writes and reads. */
    EVENTUAL
  }

  /** Ask the directory to create a namespace; the server checks the settings. */
  record CreateNamespaceRequest(NamespaceInfo namespace) implements ClientMessage {}

  /** Ask the directory to drop a namespace. */
  record DropNamespaceRequest(String name) implements ClientMessage {}

  /** A directory change was applied; {@code epoch} is the directory epoch at which it was. */
  record DirectoryChangeResponse(long epoch) implements ClientMessage {}

  /**
   * A node that is not a member yet asks to join the cluster.
   *
   * @param address the joining node's dkv address, {@code HOST:PORT}, as the other nodes reach it
   */
  record JoinRequest(String nodeId, String address) implements ClientMessage {}

  /**
   * The directory's answer to a {@link JoinRequest}, with what the joining node needs to start its
   * part of the directory, whatever the outcome.
   *
   * @param epoch  ACCEPTED: the directory epoch of the join; otherwise the epoch the refusal was
   *               judged at
   * @param reason the directory's reason for a refusal (ALREADY_MEMBER and REFUSED); empty when
   *               accepted
   * @param voters the directory's Raft voters, each with its Raft address
   */
  record JoinResponse(JoinOutcome outcome, long epoch, String reason, int partitionCount,
                      int replicationFactor, List<Member> voters) implements ClientMessage {}

  enum JoinOutcome {
    /** The node is a member now, in state JOINING. */
    ACCEPTED,
    /** The node was already a member at the same address (a restart): it may start as one. */
    ALREADY_MEMBER,
    /** The directory refused the join; the reason says why. */
    REFUSED
  }

  /** Ask the directory to drain a node and remove it once it holds no partition. */
  record LeaveRequest(String nodeId) implements ClientMessage {}

  /**
   * A learner's request for the committed keys of {@code partitions} after {@code after} (empty:
   * from the first), at most {@code maxEntries}, from a replica whose view has the move that
   * started at epoch {@code since}.
   */
  record CopyRequest(long since, List<Integer> partitions, Bytes after, int maxEntries)
      implements ClientMessage {
    public CopyRequest {
      partitions = List.copyOf(partitions);
    }
  }

  /**
   * A page of copied keys: ask again after {@code next} unless {@code done}. The last page also
   * carries the partitions' request-id records ({@code requests}), so that the new replica knows a
   * client's retry of a request that committed before it took part.
   */
  record CopyResponse(boolean done, Bytes next, List<CopiedKey> entries, List<CopiedKey> requests)
      implements ClientMessage {
    public CopyResponse {
      entries = List.copyOf(entries);
      requests = List.copyOf(requests);
    }
  }

  /** One copied key: its storage key and record, opaque to the protocol (docs/protocol.md). */
  record CopiedKey(Bytes key, Bytes record) {}

  /**
   * REPAIR: the receiving node repairs every partition of the eventual namespaces it replicates
   * with each of their other replicas (anti-entropy, docs/eventual.md §10), and answers when done.
   *
   * @param namespace the one namespace to repair; empty for every eventual namespace
   */
  record RepairRequest(String namespace) implements ClientMessage {}

  /**
   * What a REPAIR did on the answering node.
   *
   * @param sessions      repair sessions that completed (one per partition and other replica)
   * @param keysDiffered  keys one of the two replicas held newer than the other
   * @param valuesShipped values sent between the replicas, either way
   * @param errors        sessions that failed (a replica did not answer), one sentence each
   */
  record RepairResponse(String node, int sessions, long keysDiffered, long valuesShipped, List<String> errors)
      implements ClientMessage {
    public RepairResponse {
      if (sessions < 0 || keysDiffered < 0 || valuesShipped < 0) {
        throw new IllegalArgumentException("repair counts are 0 or more");
      }
      errors = List.copyOf(errors);
    }
  }

  /** Ask any node where the partition moves stand, as it knows the directory. */
  record MoveStatusRequest() implements ClientMessage {}

  /**
   * The partition moves as the answering node knows the directory, and that node's own copy
   * counters as a learner.
   *
   * @param epoch              the directory epoch of this view
   * @param movesInProgress    partitions with a learner copying them
   * @param members            every member, removed ones included, in node-id order
   * @param node               the answering node's id
   * @param keysCopied         keys the answering node installed from copies since it started
   * @param partitionsPromoted partitions the answering node was promoted in since it started
   */
  record MoveStatusResponse(long epoch, int movesInProgress, List<MemberMoves> members, String node,
                            long keysCopied, long partitionsPromoted) implements ClientMessage {
    public MoveStatusResponse {
      members = List.copyOf(members);
    }
  }

  /**
   * One member's part in the moves; every count is 0 or more.
   *
   * @param partitions how many partitions it replicates now
   * @param target     how many it will replicate once the map reaches the claim function's target
   * @param learning   partitions it is copying as their learner
   * @param leaving    partitions it no longer replicates but still takes writes of until released
   */
  record MemberMoves(String nodeId, MemberState state, int partitions, int target, int learning,
                     int leaving) {}

  /** Sent instead of a response when a request failed. */
  record ErrorResponse(ErrorCode code, String message) implements ClientMessage {}
}
