package io.dkv.core.twopc;

import io.dkv.protocol.Bytes;

/**
 * This node's view of the partition map, as far as its two-phase-commit core needs it: the
 * configuration epoch of the partition that holds a key, and whether this node is that partition's
 * learner. A participant refuses a PREPARE routed with an older epoch: the partition's nodes have
 * changed since the coordinator looked, so the write could miss one of the current configuration
 * (docs/two-phase-commit.md §4). An implementation is an immutable snapshot; the driver hands the
 * core a new one ({@link TwoPhaseNode#configure}) whenever the directory moves on.
 */
@FunctionalInterface
public interface PartitionEpochs {
  /** Knows no configuration: accepts every epoch, learns nothing. */
  PartitionEpochs NONE = (namespace, key) -> 0;

  /**
   * The answer for a namespace this node's view does not have (dropped, created again under a new
   * storage name, or not seen yet): no PREPARE for it is accepted until the view has it.
   */
  long UNKNOWN_NAMESPACE = Long.MAX_VALUE;

  /** {@link #learnerSince}'s answer when this node is not the learner of the key's partition. */
  long NOT_LEARNING = -1;

  /**
   * The epoch of {@code key}'s partition, or {@link #UNKNOWN_NAMESPACE}; {@code namespace} is the
   * name keys are stored under.
   */
  long epochOf(String namespace, Bytes key);

  /**
   * The epoch at which this node became the learner of {@code key}'s partition (it is copying the
   * partition from a replica, so its data may lack writes committed before then), or {@link
   * #NOT_LEARNING}.
   */
  default long learnerSince(String namespace, Bytes key) {
    return NOT_LEARNING;
  }

  /**
   * Whether this view names this node a replica of {@code key}'s partition, one that serves its
   * reads. A learner is not (its copy may be incomplete), nor is a leaving node (once released it
   * misses writes, and it may not have heard of its release yet). True for a view that knows no
   * moves.
   */
  default boolean isReplica(String namespace, Bytes key) {
    return true;
  }

  /** The partition of {@code key}, or -1 for a namespace this view does not have. */
  default int partitionOf(String namespace, Bytes key) {
    return -1;
  }

  /** The directory epoch of this view: every change up to it is in it (0 when it has none). */
  default long viewEpoch() {
    return 0;
  }
}
