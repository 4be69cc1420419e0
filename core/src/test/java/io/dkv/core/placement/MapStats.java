package io.dkv.core.placement;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/** Measurements of maps and of the change between two maps, shared by the tests and the table. */
final class MapStats {
  private MapStats() {}

  /**
   * Partition replicas that must be copied to go from {@code before} to {@code after}: for each
   * partition, the nodes in its new replica set that were not in the old one.
   */
  static int moved(PartitionMap before, PartitionMap after) {
    int moved = 0;
    for (int p = 0; p < after.partitionCount(); p++) {
      Set<String> old = new HashSet<>(before.replicas(p));
      for (String node : after.replicas(p)) {
        if (!old.contains(node)) {
          moved++;
        }
      }
    }
    return moved;
  }

  /** Slots per member: min, max. */
  static int[] slotRange(PartitionMap map) {
    IntStream counts = map.replicaCounts().values().stream().mapToInt(Integer::intValue);
    int[] all = counts.toArray();
    return new int[] {IntStream.of(all).min().orElse(0), IntStream.of(all).max().orElse(0)};
  }

  /** Partitions for which each member is replica 0 (the first of the ordered set): min, max. */
  static int[] firstReplicaRange(PartitionMap map) {
    int[] all = map.members().stream().mapToInt(node -> (int) IntStream
        .range(0, map.partitionCount()).filter(p -> map.replicas(p).get(0).equals(node)).count())
        .toArray();
    return new int[] {IntStream.of(all).min().orElse(0), IntStream.of(all).max().orElse(0)};
  }

  static List<String> nodes(int n) {
    return IntStream.range(0, n).mapToObj(i -> String.format("node-%02d", i)).toList();
  }
}
