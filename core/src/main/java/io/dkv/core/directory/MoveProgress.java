package io.dkv.core.directory;

import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.PartitionMove;
import io.dkv.core.placement.ReplicaSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the partition moves of one directory state stand (docs/directory.md §9), for people
 * watching a join or a drain: per member, what it replicates now against what it will once the
 * map reaches the claim function's target ({@link MovePlanner#targetCounts}), and its partitions
 * in between. Pure and cheap: one pass over the map and one rebalance.
 *
 * @param epoch           the directory epoch of the state
 * @param movesInProgress partitions with a learner
 * @param members         every member, removed ones included (with nothing), in node-id order
 */
public record MoveProgress(long epoch, int movesInProgress, List<MemberProgress> members) {
  public MoveProgress {
    members = List.copyOf(members);
  }

  /**
   * One member's part.
   *
   * @param partitions how many partitions it replicates now
   * @param target     how many it will replicate at the target: 0 for a member that may hold none
   *                   (leaving, removed, or down with no role left)
   * @param learning   partitions it is the learner of, copying them
   * @param leaving    partitions it no longer replicates and still takes the writes of, until it
   *                   is released
   */
  public record MemberProgress(String nodeId, NodeState state, int partitions, int target,
                               int learning, int leaving) {}

  public static MoveProgress of(DirectoryState s) {
    PartitionMap map = s.map();
    Map<String, Integer> learning = new HashMap<>();
    Map<String, Integer> leaving = new HashMap<>();
    for (ReplicaSet set : map.sets()) {
      PartitionMove move = set.move();
      if (move != null) {
        learning.merge(move.to(), 1, Integer::sum);
      }
      set.leaving().forEach(node -> leaving.merge(node, 1, Integer::sum));
    }
    Map<String, Integer> targets = MovePlanner.targetCounts(s);
    List<MemberProgress> members = new ArrayList<>();
    for (Member m : s.members()) {
      String id = m.nodeId();
      members.add(new MemberProgress(id, m.state(), map.partitionsOf(id).size(),
          targets.getOrDefault(id, 0), learning.getOrDefault(id, 0), leaving.getOrDefault(id, 0)));
    }
    return new MoveProgress(s.epoch(), map.moving().size(), members);
  }
}
