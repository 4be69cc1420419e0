package io.dkv.core.placement;

import io.dkv.protocol.Bytes;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * Maps a key to its partition. This is a wire-level contract: iterative clients in any language
 * compute it to pick a replica, so it must never change for an existing cluster (golden tests pin
 * it; see {@code docs/placement.md}).
 *
 * <pre>
 *   input     = u32be(len(ns)) || ns || key     ns = the namespace in UTF-8, key = raw bytes
 *   hash      = XXH64(input, seed = 0)          unsigned 64-bit
 *   partition = hash mod partitionCount         unsigned remainder
 * </pre>
 *
 * <p>The length prefix keeps namespace and key apart, so ("ab", "c") and ("a", "bc") hash
 * differently. XXH64 is fast on short keys, passes SMHasher, and its final avalanche mixes every
 * input bit into the low bits that a small modulus keeps. Pure and thread-safe.
 */
public final class Partitioner {
  /** The default number of partitions (Q) of a new cluster. */
  public static final int DEFAULT_PARTITION_COUNT = 256;

  private Partitioner() {}

  /** The partition of {@code key} in {@code namespace}, in {@code [0, partitionCount)}. */
  public static int partitionOf(String namespace, Bytes key, int partitionCount) {
    if (partitionCount < 1) {
      throw new IllegalArgumentException("partitionCount must be at least 1, got " + partitionCount);
    }
    return (int) Long.remainderUnsigned(hash(namespace, key), partitionCount);
  }

  /** The 64-bit hash of (namespace, key) that {@link #partitionOf} reduces. */
  public static long hash(String namespace, Bytes key) {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(key, "key");
    byte[] ns = namespace.getBytes(StandardCharsets.UTF_8);
    byte[] k = key.unsafeArray();
    byte[] input = new byte[4 + ns.length + k.length];
    input[0] = (byte) (ns.length >>> 24);
    input[1] = (byte) (ns.length >>> 16);
    input[2] = (byte) (ns.length >>> 8);
    input[3] = (byte) ns.length;
    System.arraycopy(ns, 0, input, 4, ns.length);
    System.arraycopy(k, 0, input, 4 + ns.length, k.length);
    return XxHash64.hash(input, 0, input.length, 0);
  }
}
