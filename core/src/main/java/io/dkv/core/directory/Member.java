package io.dkv.core.directory;

import java.util.Objects;

/** A node the directory knows: its id, the HOST:PORT it serves on, and its state. */
public record Member(String nodeId, String address, NodeState state) {
  public Member {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(state, "state");
  }

  Member withState(NodeState next) {
    return new Member(nodeId, address, next);
  }
}
