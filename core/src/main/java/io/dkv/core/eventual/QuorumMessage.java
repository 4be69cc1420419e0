package io.dkv.core.eventual;

import io.dkv.protocol.Bytes;

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
}
