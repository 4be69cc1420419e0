package io.dkv.core.eventual;

import io.dkv.protocol.QuorumLevel;

/**
 * An eventual namespace's replication factor {@code n}, write quorum {@code w} and read quorum
 * {@code r}, validated: 1 <= w <= n and 1 <= r <= n.
 *
 * <p>{@code r + w > n} makes every read quorum share a replica with every write quorum, so a read
 * that starts after a write was acknowledged sees it or something newer ({@link #readsSeeLatestWrite}).
 * With {@code r + w <= n} a read may miss it; the CLI and client warn ({@link #overlapWarning}).
 */
public record QuorumSettings(int n, int w, int r) {
  public QuorumSettings {
    if (n < 1) {
      throw new IllegalArgumentException("N (replicas) must be at least 1, got " + n);
    }
    requireValid(problem("write quorum W", w, n));
    requireValid(problem("read quorum R", r, n));
  }

  /** These settings with a request's own W and R where given (null keeps the namespace's). */
  public QuorumSettings withOverrides(Integer writeQuorum, Integer readQuorum) {
    return new QuorumSettings(n, writeQuorum == null ? w : writeQuorum, readQuorum == null ? r : readQuorum);
  }

  public boolean readsSeeLatestWrite() {
    return r + w > n;
  }

  /** A warning for users when reads may miss acknowledged writes, else null. */
  public String overlapWarning() {
    return readsSeeLatestWrite() ? null
        : "R + W = " + (r + w) + " is not more than N = " + n
            + ": a read may miss the latest acknowledged write (choose R + W > N to see it)";
  }

  /**
   * A quorum level as a user writes it: {@code one}, {@code quorum} (a majority of n),
   * {@code all}, or a number from 1 to n.
   *
   * @param what what the level is for, for the error message ("--w")
   * @throws IllegalArgumentException naming the text and what is allowed
   */
  public static int parseLevel(String what, String text, int n) {
    int level = QuorumLevel.parse(what, text).resolve(n);
    requireValid(problem(what, level, n));
    return level;
  }

  /** Why {@code level} is not a valid quorum of {@code n} replicas, or null if it is. */
  static String problem(String what, int level, int n) {
    return level >= 1 && level <= n ? null
        : what + " = " + level + " is out of range: it must be between 1 and N = " + n
            + " (the number of replicas of the key)";
  }

  private static void requireValid(String problem) {
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }
}
