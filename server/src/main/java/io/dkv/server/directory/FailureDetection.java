package io.dkv.server.directory;

/**
 * How nodes prove they are alive and how soon a silent one loses its partitions
 * ({@code docs/directory.md} §8). The three durations are ordered so that a node always stops
 * serving strong reads before the directory writes without it:
 * {@code heartbeatMillis < leaseMillis < downAfterMillis}. The gap between lease and down-after
 * absorbs clocks that run at different rates on the node and the directory's leader.
 *
 * @param heartbeatMillis how often every node sends a heartbeat to the directory
 * @param leaseMillis how long after sending an acknowledged heartbeat a node serves strong reads
 * @param downAfterMillis how long the directory's leader waits, after the last heartbeat it has
 *     from a node (or after it became leader), before it marks the node down
 * @param minReplicas the fewest replicas a partition may be left with by marking a node down
 */
public record FailureDetection(long heartbeatMillis, long leaseMillis, long downAfterMillis,
                               int minReplicas) {
  public static final FailureDetection DEFAULTS = new FailureDetection(500, 3_000, 5_000, 2);

  public FailureDetection {
    if (heartbeatMillis < 1 || leaseMillis <= heartbeatMillis || downAfterMillis <= leaseMillis) {
      throw new IllegalArgumentException("failure detection needs 0 < heartbeat (" + heartbeatMillis
          + " ms) < lease (" + leaseMillis + " ms) < down-after (" + downAfterMillis + " ms)");
    }
    if (minReplicas < 1) {
      throw new IllegalArgumentException("min replicas must be >= 1, got " + minReplicas);
    }
  }
}
