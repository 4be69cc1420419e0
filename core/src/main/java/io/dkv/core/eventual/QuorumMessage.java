package io.dkv.core.eventual;

import io.dkv.protocol.Bytes;
import java.util.List;

/**
 * Node-to-node messages of eventual namespaces: a coordinator and the replicas of a key. Each
 * names its sender ({@code from}) so that the answer can go back. The wire codec belongs to the
 * protocol module; here they are plain values.
 */
public sealed interface QuorumMessage {
  String from();

  /**
   * Store {@code value} (a value or a tombstone, with its version) by merging it into what the
   * replica holds, then acknowledge. Also what read repair sends; an unknown ack is ignored.
   */
  record WriteRequest(String from, String namespace, Bytes key, EventualValue value) implements QuorumMessage {
    public WriteRequest {
      if (value.versionOrNull() == null) {
        throw new IllegalArgumentException("a write carries a value or a tombstone, not absent");
      }
    }
  }

  /** The replica holds {@code version} or something newer, durably. */
  record WriteAck(String from, String namespace, Bytes key, HybridTimestamp version) implements QuorumMessage {}

  /** The replica will not store {@code version}, and says why (a version too far ahead of its clock). */
  record WriteRefused(String from, String namespace, Bytes key, HybridTimestamp version, String reason)
      implements QuorumMessage {}

  /** Asks a replica for what it holds; {@code readId} is the coordinator's, echoed in the reply. */
  record ReadRequest(String from, long readId, String namespace, Bytes key) implements QuorumMessage {}

  /** What the replica holds for the key ({@link EventualValue#ABSENT} if nothing). */
  record ReadReply(String from, long readId, String namespace, Bytes key, EventualValue value)
      implements QuorumMessage {}

  /**
   * Hinted handoff, coordinator to a fallback node: replica {@code target} has not acknowledged
   * {@code value}; keep it durably as a hint and deliver it to {@code target} when it answers.
   */
  record HintedWrite(String from, String target, String namespace, Bytes key, EventualValue value)
      implements QuorumMessage {
    public HintedWrite {
      if (value.versionOrNull() == null) {
        throw new IllegalArgumentException("a hint carries a value or a tombstone, not absent");
      }
    }
  }

  /**
   * The fallback's answer to a {@link HintedWrite}: it holds the hint for {@code target} with
   * {@code version} or a newer one, durably ({@code stored}), or it refused it, full, and says why
   * in {@code reason} (empty when stored).
   */
  record HintAck(String from, String target, String namespace, Bytes key, HybridTimestamp version, boolean stored,
                 String reason) implements QuorumMessage {}

  /**
   * Anti-entropy, initiator to responder: the hashes of the children of these nodes of your
   * Merkle tree of the partition ({@link MerkleTree}). {@code level} 0 asks for the root's 16
   * children (index 0), level 1 for the leaves under the given level-1 nodes. {@code step} numbers
   * the session's requests; the reply echoes it, so that a late or duplicated reply is recognised.
   */
  record RepairTreeRequest(String from, long session, int step, String namespace, int partition, int level,
                           List<Integer> indices) implements QuorumMessage {
    public RepairTreeRequest {
      indices = List.copyOf(indices);
    }
  }

  /** Responder to initiator: 16 child hashes per requested node, in the order of {@code indices}. */
  record RepairHashes(String from, long session, int step, String namespace, int partition, int level,
                      List<Integer> indices, List<Long> hashes) implements QuorumMessage {
    public RepairHashes {
      indices = List.copyOf(indices);
      hashes = List.copyOf(hashes);
    }
  }

  /**
   * Initiator to responder: what the initiator holds in these differing leaves (key, kind, version).
   * The responder ships every value it holds newer as a {@link WriteRequest} and answers with the
   * keys it wants ({@link RepairWant}).
   */
  record RepairKeys(String from, long session, int step, String namespace, int partition, List<Integer> leaves,
                    List<KeyVersion> entries) implements QuorumMessage {
    public RepairKeys {
      leaves = List.copyOf(leaves);
      entries = List.copyOf(entries);
    }
  }

  /** Responder to initiator: it shipped {@code shipped} values and wants the initiator's {@code keys}. */
  record RepairWant(String from, long session, int step, String namespace, int partition, int shipped,
                    List<Bytes> keys) implements QuorumMessage {
    public RepairWant {
      keys = List.copyOf(keys);
    }
  }

  /** What a purge asks of a replica about the tombstones it names. */
  enum PurgePhase {
    /** Do you hold this tombstone or something newer? */
    CHECK,
    /** Delete this tombstone if you hold exactly it. */
    PURGE
  }

  /** A replica of the partition to the others: about these tombstones of {@code namespace}. */
  record PurgeRequest(String from, String namespace, PurgePhase phase, List<TombstoneRef> tombstones)
      implements QuorumMessage {
    public PurgeRequest {
      tombstones = List.copyOf(tombstones);
    }
  }

  /**
   * The answer to a {@link PurgeRequest}. CHECK: {@code yes} are held (the tombstone or something
   * newer), {@code no} are not. PURGE: {@code yes} are no longer held exactly (deleted now or
   * before, or overwritten by something newer); {@code no} is empty.
   */
  record PurgeReply(String from, String namespace, PurgePhase phase, List<TombstoneRef> yes, List<TombstoneRef> no)
      implements QuorumMessage {
    public PurgeReply {
      yes = List.copyOf(yes);
      no = List.copyOf(no);
    }
  }
}
