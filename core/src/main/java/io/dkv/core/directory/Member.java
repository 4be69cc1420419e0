package io.dkv.core.directory;

import java.util.Objects;

/**
 * A node the directory knows: its id, the HOST:PORT it serves on, its state, and whether it is
 * draining: an operator asked to remove it ({@code Leave}), so it leaves the cluster once its
 * partitions have moved away. Draining outlives a down spell: a draining node that is marked down
 * and heard again goes back to leaving, not up, and one that stays down is removed once it holds
 * no role in any partition.
 */
public record Member(String nodeId, String address, NodeState state, boolean draining) {
  public Member {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(state, "state");
  }

  /** A member that is not draining. */
  public Member(String nodeId, String address, NodeState state) {
    this(nodeId, address, state, false);
  }

  Member withState(NodeState next) {
    return new Member(nodeId, address, next, draining && next != NodeState.REMOVED);
  }

  /** This member asked to leave: leaving and draining. */
  Member leave() {
    return new Member(nodeId, address, NodeState.LEAVING, true);
  }
}
