package io.dkv.server;

import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.Member;
import io.dkv.core.directory.NodeState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What a write of an eventual namespace tells its coordinator about hinted handoff
 * (docs/eventual.md §4.1), read from the node's view of the directory.
 *
 * @param fallbacks the members that may hold a hint for a replica of the key: up, not draining, not
 *                  replicas of the key, in id order starting at the partition's number (so that
 *                  the hints of different partitions spread over the cluster)
 * @param down      the key's replicas that the directory marks down: they get a hint at once
 */
record HandoffPlan(List<String> fallbacks, Set<String> down) {
  static HandoffPlan of(DirectoryState state, List<String> replicas, int partition) {
    List<Member> members = state.members().stream().sorted((a, b) -> a.nodeId().compareTo(b.nodeId())).toList();
    List<String> fallbacks = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get((partition + i) % members.size());
      if (m.state() == NodeState.UP && !m.draining() && !replicas.contains(m.nodeId())) {
        fallbacks.add(m.nodeId());
      }
    }
    Set<String> down = new HashSet<>();
    for (Member m : state.members()) {
      if (m.state() == NodeState.DOWN && replicas.contains(m.nodeId())) {
        down.add(m.nodeId());
      }
    }
    return new HandoffPlan(List.copyOf(fallbacks), Set.copyOf(down));
  }

  /** The nodes that have left the cluster: the hints held for them are dropped. */
  static Set<String> removed(DirectoryState state) {
    Set<String> removed = new HashSet<>();
    for (Member m : state.members()) {
      if (m.state() == NodeState.REMOVED) {
        removed.add(m.nodeId());
      }
    }
    return removed;
  }
}
