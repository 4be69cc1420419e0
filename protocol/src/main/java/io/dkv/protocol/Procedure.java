package io.dkv.protocol;

import java.util.Optional;

/**
 * The procedures of the dkv protocol and their wire ids (the seed's function ids). Ids are part of
 * the protocol: never renumber or reuse one, even after a procedure is retired.
 *
 * <p>Client procedures (1..31) are request/response; peer procedures (32..63) are one-way
 * messages whose replies are messages of their own: two-phase commit (32..39, 53, 54), the quorum
 * protocol of eventual namespaces (40..44), its hinted handoff (45, 46) and its repair:
 * anti-entropy and tombstone purge (47..52).
 */
public enum Procedure {
  GET(1, false),
  PUT(2, false),
  PUT_IF_ABSENT(3, false),
  DELETE(4, false),
  COMPARE_AND_SET(5, false),
  PARTITION_MAP(6, false),
  STATUS(7, false),
  /** The directory as the answering node knows it: members, placement settings, namespaces. */
  CLUSTER_STATUS(8, false),
  /** Directory changes; not idempotent, so a retry must reuse the request id. */
  CREATE_NAMESPACE(9, false),
  DROP_NAMESPACE(10, false),
  /** A new node asks to join the cluster; answered with the voters, Q and RF it needs to start. */
  JOIN(11, false),
  /** Starts removing a node: it drains (LEAVING) and is removed once it holds no partition. */
  LEAVE(12, false),
  PREPARE(32, true),
  VOTE(33, true),
  DECISION(34, true),
  ACK(35, true),
  STATUS_QUERY(36, true),
  STATUS_REPLY(37, true),
  FORGET(38, true),
  /** Several peer messages to one node in one frame (see {@link MessageCodec#encodeBatch}). */
  PEER_BATCH(39, true),
  // Declared after the others, whatever their ids, so that the fuzz corpus's seeds, which pick a
  // procedure by its position, keep reaching the decoders they were written for.
  /**
   * A learner asks a replica for a page of a partition's committed keys (docs/directory.md §9);
   * read-only, so a retry is harmless.
   */
  COPY_PARTITION(13, false),
  /**
   * Where the partition moves stand in the directory as the answering node knows it: per member
   * its partitions now and its target, learning and leaving (docs/directory.md §9).
   */
  MOVE_STATUS(14, false),
  /** GET with the caller's own read quorum R (eventual namespaces, docs/eventual.md). */
  GET_WITH_QUORUM(15, false),
  /** PUT with the caller's own write quorum W (eventual namespaces). */
  PUT_WITH_QUORUM(16, false),
  /** DELETE with the caller's own write quorum W (eventual namespaces). */
  DELETE_WITH_QUORUM(17, false),
  // The quorum protocol of eventual namespaces: one-way, encoded by the eventual core's
  // QuorumCodec (their values carry hybrid-clock versions, a core type), never in a PEER_BATCH.
  /** Coordinator (or read repair) to replica: merge this versioned value, then acknowledge. */
  QUORUM_WRITE(40, true),
  /** Replica to coordinator: it holds the version or a newer one, durably. */
  QUORUM_ACK(41, true),
  /** Replica to coordinator: it will not store the version, and why. */
  QUORUM_REFUSED(42, true),
  /** Coordinator to replica: what do you hold for this key? */
  QUORUM_READ(43, true),
  /** Replica to coordinator: what it holds for the key. */
  QUORUM_REPLY(44, true),
  /** Hinted handoff, coordinator to fallback: keep this value as a durable hint for a replica. */
  HINTED_WRITE(45, true),
  /** Hinted handoff, fallback to coordinator: the hint is stored durably, or refused (full), and why. */
  HINT_ACK(46, true),
  /**
   * A learner asks a replica for a page of a partition's eventual values (docs/eventual.md §9),
   * with COPY_PARTITION's request and response; read-only, so a retry is harmless.
   */
  COPY_EVENTUAL(19, false),
  /**
   * Repair the eventual namespaces' partitions this node replicates with their other replicas
   * (anti-entropy, docs/eventual.md §10), one namespace or all; answered when done.
   */
  REPAIR(18, false),
  // Repair of eventual namespaces, one-way, encoded by the eventual core's QuorumCodec as well.
  /** Anti-entropy, initiator to responder: the hashes of these nodes' children in your Merkle tree. */
  REPAIR_TREE(47, true),
  /** Anti-entropy, responder to initiator: the hashes asked for. */
  REPAIR_HASHES(48, true),
  /** Anti-entropy, initiator to responder: my (key, kind, version) entries of the differing leaves. */
  REPAIR_KEYS(49, true),
  /** Anti-entropy, responder to initiator: how many values it shipped, and the keys it wants. */
  REPAIR_WANT(50, true),
  /** Tombstone purge: do you hold these tombstones (check), or delete them (purge). */
  PURGE_REQUEST(51, true),
  /** Tombstone purge: the answer, per tombstone. */
  PURGE_REPLY(52, true),
  // Two-phase commit of several writes in one transaction (docs/two-phase-commit.md §14): added
  // after PREPARE and VOTE as procedures of their own, so that those two bodies never change.
  /** VOTE-REQUEST for a transaction of several writes. */
  PREPARE_WRITES(53, true),
  /** VOTE-ABORT that names the one write of the transaction it refuses. */
  VOTE_ON_WRITE(54, true);

  private static final Procedure[] BY_ID = new Procedure[64];

  static {
    for (Procedure p : values()) {
      if (BY_ID[p.id] != null) {
        throw new ExceptionInInitializerError("duplicate procedure id " + p.id);
      }
      BY_ID[p.id] = p;
    }
  }

  private final int id;
  private final boolean peer;

  Procedure(int id, boolean peer) {
    this.id = id;
    this.peer = peer;
  }

  /** The u16 id carried in the frame header. */
  public int id() {
    return id;
  }

  /** True for the one-way node-to-node messages (2PC and quorum), false for client request/response. */
  public boolean isPeer() {
    return peer;
  }

  /**
   * True for the one-way messages of eventual namespaces, which the eventual core's codec encodes:
   * the quorum protocol (ids 40..44), hinted handoff (45, 46) and repair (47..52).
   */
  public boolean isQuorum() {
    return this == QUORUM_WRITE || this == QUORUM_ACK || this == QUORUM_REFUSED || this == QUORUM_READ
        || this == QUORUM_REPLY || this == HINTED_WRITE || this == HINT_ACK || isRepair();
  }

  /** True for the one-way repair messages of eventual namespaces (ids 47..52). */
  public boolean isRepair() {
    return this == REPAIR_TREE || this == REPAIR_HASHES || this == REPAIR_KEYS || this == REPAIR_WANT
        || this == PURGE_REQUEST || this == PURGE_REPLY;
  }

  /** True for PUT, PUT_IF_ABSENT, DELETE and COMPARE_AND_SET. */
  public boolean isWrite() {
    return this == PUT || this == PUT_IF_ABSENT || this == DELETE || this == COMPARE_AND_SET;
  }

  /** The procedure with this id, or empty if no procedure has it. */
  public static Optional<Procedure> of(int id) {
    return id >= 0 && id < BY_ID.length ? Optional.ofNullable(BY_ID[id]) : Optional.empty();
  }

  /** The write procedure that carries this kind of mutation. */
  public static Procedure forWrite(Mutation m) {
    return switch (m) {
      case Mutation.Put p -> PUT;
      case Mutation.PutIfAbsent p -> PUT_IF_ABSENT;
      case Mutation.Delete d -> DELETE;
      case Mutation.CompareAndSet c -> COMPARE_AND_SET;
    };
  }

  /** The procedure that carries a put or delete with the caller's own write quorum. */
  public static Procedure forQuorumWrite(Mutation m) {
    return switch (m) {
      case Mutation.Put p -> PUT_WITH_QUORUM;
      case Mutation.Delete d -> DELETE_WITH_QUORUM;
      case Mutation.PutIfAbsent p -> throw new IllegalArgumentException("putIfAbsent has no quorum form");
      case Mutation.CompareAndSet c -> throw new IllegalArgumentException("compareAndSet has no quorum form");
    };
  }

  /** The procedure that carries this peer message. */
  public static Procedure of(PeerMessage m) {
    return switch (m) {
      case PeerMessage.Prepare p -> p.writes().size() == 1 ? PREPARE : PREPARE_WRITES;
      case PeerMessage.Vote v -> v.write() == PeerMessage.Vote.WHOLE ? VOTE : VOTE_ON_WRITE;
      case PeerMessage.Decision d -> DECISION;
      case PeerMessage.Ack a -> ACK;
      case PeerMessage.StatusQuery q -> STATUS_QUERY;
      case PeerMessage.StatusReply r -> STATUS_REPLY;
      case PeerMessage.Forget f -> FORGET;
    };
  }
}
