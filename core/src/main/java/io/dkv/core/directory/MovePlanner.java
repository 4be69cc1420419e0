package io.dkv.core.directory;

import io.dkv.core.directory.DirectoryCommand.Demote;
import io.dkv.core.directory.DirectoryCommand.MarkUp;
import io.dkv.core.directory.DirectoryCommand.MoveRequest;
import io.dkv.core.directory.DirectoryCommand.Release;
import io.dkv.core.directory.DirectoryCommand.Remove;
import io.dkv.core.directory.DirectoryCommand.StartMoves;
import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.Placement;
import io.dkv.core.placement.ReplicaSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * What the directory's leader should change to bring the partition map to the claim function's
 * target for the current members (docs/directory.md §9). Pure: the caller submits the commands and
 * the directory's rules decide. The target is {@link Placement#rebalance} of the map as it will be
 * once the moves in progress are promoted, for the members that may hold replicas: up and joining
 * ones, and down ones still in a partition that are not draining (their partitions wait for their
 * eviction or return, so a short outage moves nothing). Per partition, at most one move at a time:
 * <ul>
 *   <li>{@code StartMoves}: a target node with no role in the partition becomes its learner, in
 *       the place of a replica the target drops, or in a free place of a short list; at most
 *       {@code maxMovesPerNode} moves to one node at a time, and none in a partition with a down
 *       participant (a write needs every participant, and the copy a live replica);
 *   <li>{@code Demote}: a leaving replica the target drops when no node can take its place;
 *   <li>{@code Release}: a leaving node once its heartbeats show a view as new as the partition's
 *       epoch, so it no longer serves the partition's reads (a down one is evicted instead);
 *   <li>{@code MarkUp}: a joining node with no move to it in progress or planned;
 *   <li>{@code Remove}: a draining node (leaving, or down since it began to leave) with no role
 *       left.
 * </ul>
 */
public final class MovePlanner {
  private MovePlanner() {}

  /**
   * @param seenEpoch the directory epoch of each node's view, from its last applied heartbeat
   *     (0 when none)
   */
  public static List<DirectoryCommand> plan(DirectoryState s, ToLongFunction<String> seenEpoch,
                                            int maxMovesPerNode) {
    List<DirectoryCommand> commands = new ArrayList<>();
    PartitionMap map = s.map();
    if (map.members().isEmpty()) {
      return commands;
    }
    releases(s, seenEpoch, commands);
    List<String> holders = eligible(s);
    if (holders.isEmpty()) {
      return commands;
    }
    PartitionMap target = Placement.rebalance(promoted(map), holders);
    Map<String, Integer> movesTo = new HashMap<>();
    for (int p : map.moving()) {
      movesTo.merge(map.set(p).move().to(), 1, Integer::sum);
    }
    List<MoveRequest> moves = new ArrayList<>();
    for (int p = 0; p < map.partitionCount(); p++) {
      ReplicaSet set = map.set(p);
      if (set.move() != null || hasDownParticipant(s, set)) {
        continue;
      }
      List<String> wanted = target.replicas(p);
      String from = set.replicas().stream().filter(r -> !wanted.contains(r)).findFirst().orElse(null);
      String to = wanted.stream().filter(n -> !set.involves(n) && canLearn(s, n)).findFirst()
          .orElse(null);
      if (to != null && (from != null || set.replicas().size() < map.replicasPerPartition())) {
        if (movesTo.getOrDefault(to, 0) < maxMovesPerNode) {
          movesTo.merge(to, 1, Integer::sum);
          moves.add(new MoveRequest(p, to, from));
        }
      } else if (from != null && set.replicas().size() > 1 && isLeaving(s, from)) {
        commands.add(new Demote(p, from));
      }
    }
    if (!moves.isEmpty()) {
      commands.add(new StartMoves(moves));
    }
    for (Member m : s.members()) {
      if (m.state() == NodeState.JOINING && !movesTo.containsKey(m.nodeId())) {
        commands.add(new MarkUp(m.nodeId()));
      } else if (m.draining() && !map.involves(m.nodeId())) {
        commands.add(new Remove(m.nodeId()));
      }
    }
    return commands;
  }

  /** Releases every leaving node that has seen its partition's current epoch. */
  private static void releases(DirectoryState s, ToLongFunction<String> seenEpoch,
                               List<DirectoryCommand> commands) {
    PartitionMap map = s.map();
    for (int p = 0; p < map.partitionCount(); p++) {
      for (String node : map.set(p).leaving()) {
        if (seenEpoch.applyAsLong(node) >= map.partitionEpoch(p)) {
          commands.add(new Release(p, node));
        }
      }
    }
  }

  /**
   * Up and joining members, and down ones that still have a role and are not draining: sorted, as
   * the map's members.
   */
  private static List<String> eligible(DirectoryState s) {
    List<String> out = new ArrayList<>();
    for (Member m : s.members()) {
      NodeState state = m.state();
      if (state == NodeState.UP || state == NodeState.JOINING
          || (state == NodeState.DOWN && !m.draining() && s.map().involves(m.nodeId()))) {
        out.add(m.nodeId());
      }
    }
    return out;
  }

  /** The map with every move in progress promoted: what the target must start from. */
  private static PartitionMap promoted(PartitionMap map) {
    List<ReplicaSet> sets = new ArrayList<>(map.sets());
    for (int p : map.moving()) {
      sets.set(p, ReplicaSet.of(ReplicaLists.promoted(sets.get(p)).replicas()));
    }
    long[] epochs = new long[map.partitionCount()];
    for (int p = 0; p < epochs.length; p++) {
      epochs[p] = map.partitionEpoch(p);
    }
    return PartitionMap.withSets(map.epoch(), map.replicationFactor(), map.members(), sets, epochs);
  }

  private static boolean hasDownParticipant(DirectoryState s, ReplicaSet set) {
    return set.participants().stream().anyMatch(n -> s.member(n)
        .map(m -> m.state() == NodeState.DOWN).orElse(false));
  }

  /** Up or joining: a down node may be in the target (it keeps its place) but learns nothing. */
  private static boolean canLearn(DirectoryState s, String node) {
    return s.member(node).map(m -> m.state() == NodeState.UP || m.state() == NodeState.JOINING)
        .orElse(false);
  }

  private static boolean isLeaving(DirectoryState s, String node) {
    return s.member(node).map(m -> m.state() == NodeState.LEAVING).orElse(false);
  }

  /** How many replicas each eligible member will hold once the map reaches the target. */
  public static Map<String, Integer> targetCounts(DirectoryState s) {
    List<String> holders = eligible(s);
    if (holders.isEmpty()) {
      return Map.of();
    }
    return Placement.rebalance(promoted(s.map()), holders).replicaCounts();
  }
}
