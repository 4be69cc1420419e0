package io.dkv.client;

import java.util.Objects;

/**
 * One member of the cluster's directory.
 *
 * @param address    the member's dkv address, {@code HOST:PORT}
 * @param partitions how many partitions it replicates
 * @param voter      it is a voter of the directory's Raft group
 */
public record ClusterMember(String nodeId, String address, State state, int partitions, boolean voter) {
  public ClusterMember {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(state, "state");
  }

  /** Where a member is in its life in the cluster ({@code docs/directory.md}). */
  public enum State {
    /** Added; holds replicas and is catching up. */
    JOINING,
    /** Serving. */
    UP,
    /** Being drained: its replicas move to other members. */
    LEAVING,
    /** Considered failed: its replicas moved to other members. */
    DOWN,
    /** Gone; its id stays known and it may join again. */
    REMOVED
  }
}
