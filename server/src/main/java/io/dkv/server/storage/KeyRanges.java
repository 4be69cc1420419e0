package io.dkv.server.storage;

import java.util.Arrays;

/** Byte-string range helpers for prefix scans, in RocksDB's order: unsigned lexicographic. */
final class KeyRanges {
  private KeyRanges() {}

  /**
   * The smallest key greater than every key that starts with {@code prefix}: drop trailing 0xFF
   * bytes and add one to the last remaining byte. Null when no such key exists (an empty prefix,
   * or one made only of 0xFF), meaning the range is unbounded above.
   */
  static byte[] prefixSuccessor(byte[] prefix) {
    int end = prefix.length;
    while (end > 0 && prefix[end - 1] == (byte) 0xFF) {
      end--;
    }
    if (end == 0) {
      return null;
    }
    byte[] successor = Arrays.copyOf(prefix, end);
    successor[end - 1]++;
    return successor;
  }

  static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }
}
