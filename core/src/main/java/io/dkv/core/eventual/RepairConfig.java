package io.dkv.core.eventual;

/**
 * Timers and bounds of anti-entropy and tombstone purge (docs/eventual.md §10).
 *
 * @param tombstoneGraceMillis     a tombstone is purged no sooner than this after its delete, and no
 *                                 sooner than this after every replica was seen holding it. It must
 *                                 exceed anything that can deliver an older value late: the
 *                                 coordinator's request window (a retry is sent under its first
 *                                 version), the longest request deadline, message delays, clock skew
 *                                 and the age of the oldest hint
 * @param retryMillis              how long a repair session waits for the other replica's answer
 *                                 before it asks again
 * @param maxAttempts              a session gives up after this many unanswered attempts of one step
 * @param maxKeysPerMessage        at most this many (key, version) entries in one key exchange
 *                                 (one leaf with more still goes whole)
 * @param maxTombstonesPerRound    at most this many tombstones checked or purged per partition and round
 */
public record RepairConfig(long tombstoneGraceMillis, long retryMillis, int maxAttempts, int maxKeysPerMessage,
                           int maxTombstonesPerRound) {
  public RepairConfig {
    positive("tombstoneGraceMillis", tombstoneGraceMillis);
    positive("retryMillis", retryMillis);
    positive("maxAttempts", maxAttempts);
    positive("maxKeysPerMessage", maxKeysPerMessage);
    positive("maxTombstonesPerRound", maxTombstonesPerRound);
  }

  /** Grace 1 hour, retry 1 s, 5 attempts, 2048 keys per message, 1024 tombstones per round. */
  public static RepairConfig defaults() {
    return new RepairConfig(3_600_000, 1_000, 5, 2_048, 1_024);
  }

  private static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }
}
