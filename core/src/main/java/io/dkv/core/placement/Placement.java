package io.dkv.core.placement;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The claim function: which nodes replicate which partitions. Pure and deterministic — the same
 * inputs give the same map on every node and JVM, whatever the order of the member list — so the
 * directory can apply a membership change by computing it. {@code docs/placement.md} has the
 * algorithm and its measured movement.
 *
 * <p>The result always meets two guarantees: every partition has min(replicationFactor, members)
 * distinct replicas, and every member holds {@code floor(S/n)} or {@code ceil(S/n)} of the
 * {@code S = partitions x replicas} slots. Within them, {@link #rebalance} aims to copy as few
 * partition replicas as possible: forced copies (a departed replica's slot, a new slot) go to nodes
 * below their share, and beyond those only the excess of nodes above their share moves. With at
 * least replicationFactor members, a join copies exactly the newcomer's share and a departure
 * exactly the leaver's replicas; on small instances, from any previous map, the result matches an
 * exhaustive search for the fewest copies (PlacementReferenceTest).
 */
public final class Placement {
  private Placement() {}

  /**
   * The first map of a cluster: {@code rebalance(PartitionMap.empty(partitionCount,
   * replicationFactor), members)}, that is every slot a hole filled by the same rules as a
   * membership change. Epoch 1.
   */
  public static PartitionMap initial(List<String> members, int partitionCount,
                                     int replicationFactor) {
    return rebalance(PartitionMap.empty(partitionCount, replicationFactor), members);
  }

  /**
   * The map after the membership becomes {@code newMembers} (joins, departures or both), at
   * {@code previous.epoch() + 1}. A departed replica's slot goes to a node below its share that is
   * not already in the partition; a joining node takes slots from the nodes above their share; a
   * replacement takes the position of the replica it replaces, so the order of the rest is stable.
   * When members were fewer than the replication factor, partitions grow toward it.
   *
   * @throws IllegalArgumentException if {@code newMembers} is empty or has a duplicate or blank id
   */
  public static PartitionMap rebalance(PartitionMap previous, List<String> newMembers) {
    Objects.requireNonNull(previous, "previous");
    List<String> members = sortedDistinct(newMembers);
    Assignment a = Assignment.start(previous, members);
    HoleFiller.fill(a);
    Leveler.level(a);
    a.checkComplete();
    return a.freeze();
  }

  private static List<String> sortedDistinct(List<String> members) {
    if (members.isEmpty()) {
      throw new IllegalArgumentException("a cluster needs at least one member");
    }
    List<String> sorted = new ArrayList<>(members);
    for (String m : sorted) {
      if (m == null || m.isBlank()) {
        throw new IllegalArgumentException("member ids must be non-blank: " + members);
      }
    }
    sorted.sort(null);
    for (int i = 1; i < sorted.size(); i++) {
      if (sorted.get(i).equals(sorted.get(i - 1))) {
        throw new IllegalArgumentException("duplicate member '" + sorted.get(i) + "' in " + members);
      }
    }
    return List.copyOf(sorted);
  }
}
