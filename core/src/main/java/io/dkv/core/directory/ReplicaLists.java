package io.dkv.core.directory;

import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.PartitionMove;
import io.dkv.core.placement.ReplicaSet;
import java.util.ArrayList;
import java.util.List;

/**
 * The changes the directory's rules make to the partition map, by hand rather than through the
 * claim function: after {@code Initialize} a node becomes a replica only by a promotion, once it
 * has copied the partition as a learner, because handing a partition to a node that does not have
 * its data would lose the data.
 */
final class ReplicaLists {
  private ReplicaLists() {}

  /** Every partition's nodes and roles, in partition order, as a list to change. */
  static List<ReplicaSet> of(PartitionMap map) {
    return new ArrayList<>(map.sets());
  }

  /**
   * Every partition's set with the down {@code node} taken out: out of each replica list that keeps
   * at least {@code minReplicas} replicas without it (the others keep their order), out of every
   * move it was to join by (the move ends; the place stays free), and out of every leaving list.
   * A move that was to replace it now fills the free place instead.
   */
  static List<ReplicaSet> evicted(PartitionMap map, String node, int minReplicas) {
    List<ReplicaSet> sets = of(map);
    for (int p = 0; p < sets.size(); p++) {
      ReplicaSet set = sets.get(p);
      if (set.replicas().contains(node) && set.replicas().size() - 1 >= minReplicas) {
        set = set.withReplicas(without(set.replicas(), node));
        if (set.move() != null && node.equals(set.move().from())) {
          set = set.withMove(set.move().withoutFrom());
        }
      }
      if (set.move() != null && set.move().to().equals(node)) {
        set = set.withMove(null);
      }
      if (set.leaving().contains(node)) {
        set = set.withLeaving(without(set.leaving(), node));
      }
      sets.set(p, set);
    }
    return sets;
  }

  /** {@code move}'s learner promoted: in {@code from}'s place, which leaves, or in a free place. */
  static ReplicaSet promoted(ReplicaSet set) {
    PartitionMove move = set.move();
    List<String> replicas = new ArrayList<>(set.replicas());
    List<String> leaving = new ArrayList<>(set.leaving());
    if (move.from() == null) {
      replicas.add(move.to());
    } else {
      replicas.set(replicas.indexOf(move.from()), move.to());
      leaving.add(move.from());
    }
    return new ReplicaSet(replicas, null, leaving);
  }

  /** {@code node} stops being a replica and leaves (it still takes part in writes). */
  static ReplicaSet demoted(ReplicaSet set, String node) {
    List<String> leaving = new ArrayList<>(set.leaving());
    leaving.add(node);
    return new ReplicaSet(without(set.replicas(), node), set.move(), leaving);
  }

  /** {@code node} no longer takes part in the partition's writes. */
  static ReplicaSet released(ReplicaSet set, String node) {
    return set.withLeaving(without(set.leaving(), node));
  }

  private static List<String> without(List<String> nodes, String node) {
    return nodes.stream().filter(n -> !n.equals(node)).toList();
  }

  /**
   * The partitions where taking {@code node} out would leave fewer than {@code minReplicas}
   * replicas: how many and one of them, for a message; null when there are none.
   */
  static String belowFloor(PartitionMap map, String node, int minReplicas) {
    int below = 0;
    int example = -1;
    for (int p : map.partitionsOf(node)) {
      if (map.replicas(p).size() - 1 < minReplicas) {
        below++;
        example = example < 0 ? p : example;
      }
    }
    return below == 0 ? null : below + (below == 1 ? " partition" : " partitions")
        + " would keep fewer than " + minReplicas + " replicas (partition " + example + ": "
        + map.replicas(example) + ")";
  }

  /**
   * The map with these holders and sets at {@code epoch}: the map gets {@code epoch}, and so does
   * every partition whose set changed, while the others keep theirs, so a change fences only the
   * partitions it touches. {@code previous} itself when neither holders nor sets changed.
   */
  static PartitionMap restamp(PartitionMap previous, List<String> holders, List<ReplicaSet> sets,
                              long epoch) {
    if (holders.equals(previous.members()) && sets.equals(previous.sets())) {
      return previous;
    }
    long[] epochs = new long[sets.size()];
    for (int p = 0; p < sets.size(); p++) {
      epochs[p] = sets.get(p).equals(previous.set(p)) ? previous.partitionEpoch(p) : epoch;
    }
    return PartitionMap.withSets(epoch, previous.replicationFactor(), holders, sets, epochs);
  }
}
