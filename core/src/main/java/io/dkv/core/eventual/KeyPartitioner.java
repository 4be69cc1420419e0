package io.dkv.core.eventual;

import io.dkv.protocol.Bytes;

/**
 * Which partition a key of a namespace belongs to: the caller's placement, which anti-entropy
 * needs to build a partition's Merkle tree from a scan of the whole namespace. Called on the
 * core's thread; must not block and must be a pure function of its arguments.
 */
@FunctionalInterface
public interface KeyPartitioner {
  /** Every key in partition 0: for a core that never repairs (tests of the quorum paths). */
  KeyPartitioner SINGLE = (namespace, key) -> 0;

  /** @param namespace the namespace as the store knows it (the name the core is given) */
  int partitionOf(String namespace, Bytes key);
}
