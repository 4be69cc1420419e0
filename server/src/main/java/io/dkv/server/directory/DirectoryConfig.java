package io.dkv.server.directory;

import io.dkv.server.MemberAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;

/**
 * How a node takes part in the directory.
 *
 * @param nodeId this node; a voter if it is in {@code voters}, otherwise it follows a voter
 * @param voters the Raft group, 1, 3 or 5 nodes, each with the address of its directory (Raft)
 *     port, which is not its dkv port; every node must be given the same list
 * @param storageDir where a voter keeps its Raft log and snapshots (under the node's data dir)
 * @param partitionCount Q of a new cluster's map
 * @param replicationFactor RF of a new cluster's map
 * @param snapshotEveryEntries a voter writes a snapshot after this many log entries
 * @param pollMillis how often a non-voter fetches the state from a voter
 * @param submitTimeoutMillis how long {@link Directory#submit} waits for a commit
 * @param failureDetection heartbeats, leases and when a voter that leads marks a node down
 * @param maxMovesPerNode how many partition moves to one node a voter that leads keeps in progress
 *     ({@link io.dkv.core.directory.MovePlanner}); 0 plans no moves, joins or removals at all
 */
public record DirectoryConfig(String nodeId, List<MemberAddress> voters, Path storageDir,
                              int partitionCount, int replicationFactor, long snapshotEveryEntries,
                              long pollMillis, long submitTimeoutMillis,
                              FailureDetection failureDetection, int maxMovesPerNode) {
  public static final long DEFAULT_SNAPSHOT_EVERY_ENTRIES = 1000;
  public static final long DEFAULT_POLL_MILLIS = 500;
  public static final long DEFAULT_SUBMIT_TIMEOUT_MILLIS = 10_000;
  public static final int DEFAULT_MAX_MOVES_PER_NODE = 64;

  public DirectoryConfig {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(storageDir, "storageDir");
    Objects.requireNonNull(failureDetection, "failureDetection");
    voters = List.copyOf(voters);
    if (voters.size() != 1 && voters.size() != 3 && voters.size() != 5) {
      throw new IllegalArgumentException("the directory needs 1, 3 or 5 voters, got "
          + voters.size() + ": " + voters);
    }
    if (new HashSet<>(voters.stream().map(MemberAddress::nodeId).toList()).size() != voters.size()) {
      throw new IllegalArgumentException("directory voters must have distinct node ids: " + voters);
    }
    requirePositive("snapshotEveryEntries", snapshotEveryEntries);
    requirePositive("pollMillis", pollMillis);
    requirePositive("submitTimeoutMillis", submitTimeoutMillis);
    if (maxMovesPerNode < 0) {
      throw new IllegalArgumentException("maxMovesPerNode must be >= 0, got " + maxMovesPerNode);
    }
  }

  /** A config with the default tuning. */
  public static DirectoryConfig of(String nodeId, List<MemberAddress> voters, Path storageDir,
                                   int partitionCount, int replicationFactor,
                                   FailureDetection failureDetection) {
    return new DirectoryConfig(nodeId, voters, storageDir, partitionCount, replicationFactor,
        DEFAULT_SNAPSHOT_EVERY_ENTRIES, DEFAULT_POLL_MILLIS, DEFAULT_SUBMIT_TIMEOUT_MILLIS,
        failureDetection, DEFAULT_MAX_MOVES_PER_NODE);
  }

  public boolean isVoter() {
    return voters.stream().anyMatch(v -> v.nodeId().equals(nodeId));
  }

  private static void requirePositive(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }
}
