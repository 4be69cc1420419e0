package io.dkv.core.directory;

import io.dkv.core.placement.PartitionMap;
import java.util.ArrayList;
import java.util.List;

/**
 * The changes the directory's rules make to the partition map, by hand rather than through the
 * claim function: after {@code Initialize} a replica list only ever loses a node, because handing a
 * partition to a node that does not have its data would lose the data.
 */
final class ReplicaLists {
  private ReplicaLists() {}

  /** Every partition's replica list, in partition order. */
  static List<List<String>> of(PartitionMap map) {
    List<List<String>> lists = new ArrayList<>(map.partitionCount());
    for (int p = 0; p < map.partitionCount(); p++) {
      lists.add(map.replicas(p));
    }
    return lists;
  }

  /**
   * Every partition's replica list with {@code node} taken out where at least {@code minReplicas}
   * replicas remain (the others keep their order), and the lists it stays in unchanged.
   */
  static List<List<String>> withoutAboveFloor(PartitionMap map, String node, int minReplicas) {
    List<List<String>> lists = of(map);
    for (int p : map.partitionsOf(node)) {
      if (map.replicas(p).size() - 1 >= minReplicas) {
        lists.set(p, lists.get(p).stream().filter(r -> !r.equals(node)).toList());
      }
    }
    return lists;
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
   * The map with these holders and replica lists at {@code epoch}: the map gets {@code epoch}, and
   * so does every partition whose list changed, while the others keep theirs, so a change fences
   * only the partitions it touches. {@code previous} itself when neither holders nor lists changed.
   */
  static PartitionMap restamp(PartitionMap previous, List<String> holders,
                              List<List<String>> lists, long epoch) {
    if (holders.equals(previous.members()) && lists.equals(of(previous))) {
      return previous;
    }
    long[] epochs = new long[lists.size()];
    for (int p = 0; p < lists.size(); p++) {
      epochs[p] = lists.get(p).equals(previous.replicas(p)) ? previous.partitionEpoch(p) : epoch;
    }
    return PartitionMap.of(epoch, previous.replicationFactor(), holders, lists, epochs);
  }
}
