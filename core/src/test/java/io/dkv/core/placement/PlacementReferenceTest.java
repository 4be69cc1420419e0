package io.dkv.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/**
 * Checks {@link Placement#rebalance} against a naive reference: on instances small enough to try
 * every possible map (up to 5 partitions, 5 nodes, 3 replicas), no balanced map copies fewer
 * replicas than ours. The previous map is arbitrary — any valid map, balanced or not — so this also
 * covers maps written by hand or by an older algorithm.
 */
class PlacementReferenceTest {
  private static final List<String> UNIVERSE = List.of("a", "b", "c", "d", "e");

  @Property(tries = 1000)
  void copiesNoMoreThanTheBestBalancedMap(@ForAll @IntRange(min = 1, max = 5) int q,
                                          @ForAll @IntRange(min = 1, max = 3) int rf,
                                          @ForAll long seed) {
    Random random = new Random(seed);
    PartitionMap previous = randomMap(random, q, rf, randomSubset(random));
    List<String> next = randomSubset(random);
    PartitionMap ours = Placement.rebalance(previous, next);
    MapChecks.assertWellFormedAndBalanced(ours);
    assertThat(MapStats.moved(previous, ours)).isEqualTo(fewestCopies(previous, next));
  }

  private static List<String> randomSubset(Random random) {
    List<String> subset = new ArrayList<>();
    while (subset.isEmpty()) {
      for (String node : UNIVERSE) {
        if (random.nextInt(3) > 0) {
          subset.add(node);
        }
      }
    }
    return subset;
  }

  /** Any valid map over {@code members}: each partition a random ordered choice of distinct nodes. */
  private static PartitionMap randomMap(Random random, int q, int rf, List<String> members) {
    int perPartition = Math.min(rf, members.size());
    List<List<String>> replicas = new ArrayList<>();
    for (int p = 0; p < q; p++) {
      List<String> pool = new ArrayList<>(members);
      List<String> chosen = new ArrayList<>();
      for (int i = 0; i < perPartition; i++) {
        chosen.add(pool.remove(random.nextInt(pool.size())));
      }
      replicas.add(chosen);
    }
    return PartitionMap.of(1, rf, members.stream().sorted().toList(), replicas, new long[q]);
  }

  /** Exhaustive search: the fewest copies over all maps whose node counts are floor or ceil. */
  private static int fewestCopies(PartitionMap previous, List<String> members) {
    List<String> sorted = members.stream().sorted().toList();
    int n = sorted.size();
    int perPartition = Math.min(previous.replicationFactor(), n);
    List<int[]> sets = new ArrayList<>();
    combinations(n, perPartition, 0, new int[perPartition], 0, sets);
    int slots = previous.partitionCount() * perPartition;
    Search search = new Search(previous, sorted, sets, slots / n, (slots + n - 1) / n);
    search.run(0, new int[n], 0);
    return search.best;
  }

  private static void combinations(int n, int k, int from, int[] current, int size,
                                   List<int[]> out) {
    if (size == k) {
      out.add(current.clone());
      return;
    }
    for (int v = from; v < n; v++) {
      current[size] = v;
      combinations(n, k, v + 1, current, size + 1, out);
    }
  }

  private static final class Search {
    final PartitionMap previous;
    final List<String> nodes;
    final List<int[]> sets;
    final int low;
    final int high;
    int best = Integer.MAX_VALUE;

    Search(PartitionMap previous, List<String> nodes, List<int[]> sets, int low, int high) {
      this.previous = previous;
      this.nodes = nodes;
      this.sets = sets;
      this.low = low;
      this.high = high;
    }

    void run(int partition, int[] counts, int copies) {
      if (copies >= best) {
        return;
      }
      if (partition == previous.partitionCount()) {
        for (int c : counts) {
          if (c < low || c > high) {
            return;
          }
        }
        best = copies;
        return;
      }
      Set<String> old = new HashSet<>(previous.replicas(partition));
      for (int[] set : sets) {
        int added = 0;
        boolean fits = true;
        for (int v : set) {
          counts[v]++;
          fits &= counts[v] <= high;
          added += old.contains(nodes.get(v)) ? 0 : 1;
        }
        if (fits) {
          run(partition + 1, counts, copies + added);
        }
        for (int v : set) {
          counts[v]--;
        }
      }
    }
  }
}
