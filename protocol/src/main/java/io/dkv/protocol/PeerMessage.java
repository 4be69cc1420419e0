package io.dkv.protocol;

import java.util.List;

/**
 * Two-phase-commit messages between nodes. Each is sent one-way (no response frame): a reply is a
 * message of its own, as in the seed's message sequence. Every message names its sender.
 */
public sealed interface PeerMessage {
  /** The node id of the sender. */
  String from();

  TxnId txn();

  /**
   * VOTE-REQUEST: coordinator to each participant. A transaction carries one write or several
   * (PREPARE or PREPARE_WRITES on the wire), to distinct keys with the same participants; it
   * commits or aborts as a whole (docs/two-phase-commit.md §14).
   *
   * @param participants the ordered replica set of the writes' partitions; every one must vote COMMIT
   */
  record Prepare(String from, TxnId txn, List<String> participants, List<Write> writes)
      implements PeerMessage {
    public Prepare {
      participants = List.copyOf(participants);
      writes = List.copyOf(writes);
      if (writes.isEmpty()) {
        throw new IllegalArgumentException("a PREPARE carries at least one write");
      }
    }

    /** A transaction of one write. */
    public Prepare(String from, TxnId txn, long epoch, List<String> participants, String namespace,
                   Bytes key, Mutation mutation, long requestId) {
      this(from, txn, participants, List.of(new Write(epoch, namespace, key, mutation, requestId)));
    }

    /**
     * One write of a transaction.
     *
     * @param epoch     the configuration epoch of the key's partition the coordinator routed by
     * @param requestId the client's request id, recorded with the commit so a retry through
     *                  another coordinator is recognised and not applied twice
     */
    public record Write(long epoch, String namespace, Bytes key, Mutation mutation, long requestId) {}
  }

  /**
   * VOTE-COMMIT or VOTE-ABORT: participant to coordinator, sent only after the participant's
   * PREPARED (or REFUSED) record is durable.
   *
   * @param version COMMIT: the version this participant proposes; ABORT with CONDITION_FAILED: the
   *                key's current version; DUPLICATE: the version the earlier commit got
   * @param write   the index (in the PREPARE) of the one write an ABORT or DUPLICATE is about, or
   *                {@link #WHOLE} when it is about the transaction (always so for a transaction of
   *                one write: VOTE on the wire; VOTE_ON_WRITE otherwise)
   */
  record Vote(String from, TxnId txn, VoteKind kind, AbortReason reason, long version, int write)
      implements PeerMessage {
    /** {@link #write} of a vote about the whole transaction. */
    public static final int WHOLE = -1;

    public Vote {
      if (write < WHOLE) {
        throw new IllegalArgumentException("write index " + write + ": a write's index (0 or more) or WHOLE (-1)");
      }
    }

    /** A vote about the whole transaction. */
    public Vote(String from, TxnId txn, VoteKind kind, AbortReason reason, long version) {
      this(from, txn, kind, reason, version, WHOLE);
    }
  }

  enum VoteKind {
    COMMIT,
    ABORT,
    /** This request id (or transaction) already committed here; nothing to do again. */
    DUPLICATE
  }

  enum AbortReason {
    NONE,
    LOCK_CONFLICT,
    CONDITION_FAILED,
    NOT_FOUND,
    STALE_EPOCH,
    /** The participant had already refused this transaction (during termination). */
    REFUSED
  }

  /**
   * GLOBAL-COMMIT or GLOBAL-ABORT: sent only after the decision is durable at the sender (the
   * coordinator, or a participant that resolved the transaction by the termination protocol).
   */
  record Decision(String from, TxnId txn, boolean commit, long version) implements PeerMessage {}

  /** ACK: the participant has applied the decision durably. */
  record Ack(String from, TxnId txn) implements PeerMessage {}

  /** Termination protocol: a participant in doubt asks the others and the coordinator. */
  record StatusQuery(String from, TxnId txn) implements PeerMessage {}

  /** Reply to a {@link StatusQuery}; {@code version} is the commit version when COMMITTED. */
  record StatusReply(String from, TxnId txn, TxnState state, long version) implements PeerMessage {}

  enum TxnState {
    /** Never prepared here, and now durably refused: it can never be prepared here. */
    REFUSED,
    PREPARED,
    COMMITTED,
    ABORTED,
    /** Decided, applied everywhere and forgotten. */
    FORGOTTEN,
    /** Coordinator only: still collecting votes. */
    UNDECIDED
  }

  /** Every participant has applied the decision: the receivers may drop their records of it. */
  record Forget(String from, TxnId txn) implements PeerMessage {}
}
