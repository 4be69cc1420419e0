package io.dkv.core.placement;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * XXH64, Yann Collet's 64-bit non-cryptographic hash, as specified in
 * {@code xxhash/doc/xxhash_spec.md} (version 0.1.1). Bit-exact with the reference implementation
 * ({@code xxhsum -H1}), which every language has, so clients outside the JVM can route keys.
 *
 * <p>Implementation notes: the input is read as little-endian 64- and 32-bit lanes whatever the
 * platform, as the spec requires; inputs of 32 bytes or more go through four parallel accumulators,
 * the tail through the single-accumulator steps, and everything ends in the avalanche.
 */
final class XxHash64 {
  private static final long P1 = 0x9E3779B185EBCA87L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;
  private static final long P3 = 0x165667B19E3779F9L;
  private static final long P4 = 0x85EBCA77C2B2AE63L;
  private static final long P5 = 0x27D4EB2F165667C5L;

  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_LE =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);

  private XxHash64() {}

  /** The hash of {@code data[offset, offset + length)} with the given seed. */
  static long hash(byte[] data, int offset, int length, long seed) {
    java.util.Objects.checkFromIndexSize(offset, length, data.length);
    int end = offset + length;
    int i = offset;
    long h;
    if (length >= 32) {
      long v1 = seed + P1 + P2;
      long v2 = seed + P2;
      long v3 = seed;
      long v4 = seed - P1;
      for (; i <= end - 32; i += 32) {
        v1 = round(v1, (long) LONG_LE.get(data, i));
        v2 = round(v2, (long) LONG_LE.get(data, i + 8));
        v3 = round(v3, (long) LONG_LE.get(data, i + 16));
        v4 = round(v4, (long) LONG_LE.get(data, i + 24));
      }
      h = Long.rotateLeft(v1, 1) + Long.rotateLeft(v2, 7)
          + Long.rotateLeft(v3, 12) + Long.rotateLeft(v4, 18);
      h = mergeRound(h, v1);
      h = mergeRound(h, v2);
      h = mergeRound(h, v3);
      h = mergeRound(h, v4);
    } else {
      h = seed + P5;
    }
    h += length;
    for (; i <= end - 8; i += 8) {
      h ^= round(0, (long) LONG_LE.get(data, i));
      h = Long.rotateLeft(h, 27) * P1 + P4;
    }
    if (i <= end - 4) {
      h ^= ((int) INT_LE.get(data, i) & 0xFFFFFFFFL) * P1;
      h = Long.rotateLeft(h, 23) * P2 + P3;
      i += 4;
    }
    for (; i < end; i++) {
      h ^= (data[i] & 0xFFL) * P5;
      h = Long.rotateLeft(h, 11) * P1;
    }
    return avalanche(h);
  }

  /** The final mix of XXH64 on its own: a bijective 64-bit finaliser, used to scramble integers. */
  static long avalanche(long h) {
    h ^= h >>> 33;
    h *= P2;
    h ^= h >>> 29;
    h *= P3;
    h ^= h >>> 32;
    return h;
  }

  private static long round(long acc, long lane) {
    acc += lane * P2;
    acc = Long.rotateLeft(acc, 31);
    return acc * P1;
  }

  private static long mergeRound(long acc, long v) {
    acc ^= round(0, v);
    return acc * P1 + P4;
  }
}
