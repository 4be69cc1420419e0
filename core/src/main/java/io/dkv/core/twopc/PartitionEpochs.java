package io.dkv.core.twopc;

import io.dkv.protocol.Bytes;

/**
 * The configuration epoch of the partition that holds a key, as this node knows it from the
 * directory. A participant refuses a PREPARE routed with an older epoch: the partition's replica
 * list has changed since the coordinator looked, so the write could miss a replica of the current
 * configuration (docs/two-phase-commit.md §4). An implementation is an immutable snapshot; the
 * driver hands the core a new one ({@link TwoPhaseNode#configure}) whenever the directory moves on.
 */
@FunctionalInterface
public interface PartitionEpochs {
  /** Knows no configuration: accepts every epoch. */
  PartitionEpochs NONE = (namespace, key) -> 0;

  /**
   * The answer for a namespace this node's view does not have (dropped, created again under a new
   * storage name, or not seen yet): no PREPARE for it is accepted until the view has it.
   */
  long UNKNOWN_NAMESPACE = Long.MAX_VALUE;

  /**
   * The epoch of {@code key}'s partition, or {@link #UNKNOWN_NAMESPACE}; {@code namespace} is the
   * name keys are stored under.
   */
  long epochOf(String namespace, Bytes key);
}
