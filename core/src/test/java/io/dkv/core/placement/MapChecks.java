package io.dkv.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Assertions every map produced by {@link Placement} must pass. */
final class MapChecks {
  private MapChecks() {}

  /**
   * Every partition has min(RF, n) distinct member replicas, and every member holds
   * {@code floor(S/n)} or {@code ceil(S/n)} slots. The floor/ceiling bound is the exact test; it is
   * stronger than "within 10% of the mean" whenever the mean is at least 10 slots, and when the mean
   * is smaller no integer assignment can promise 10% (mean 7.5 forces 7s and 8s, 6.7% off), so the
   * bound to read is: within max(10% of the mean, 1 slot).
   */
  static void assertWellFormedAndBalanced(PartitionMap map) {
    int n = map.members().size();
    int perPartition = Math.min(map.replicationFactor(), n);
    assertThat(map.replicasPerPartition()).isEqualTo(perPartition);
    Set<String> members = new HashSet<>(map.members());
    for (int p = 0; p < map.partitionCount(); p++) {
      List<String> replicas = map.replicas(p);
      assertThat(replicas).hasSize(perPartition).doesNotHaveDuplicates();
      assertThat(members).containsAll(replicas);
    }
    int slots = map.partitionCount() * perPartition;
    double mean = (double) slots / n;
    for (int count : map.replicaCounts().values()) {
      assertThat(count).isBetween(slots / n, (slots + n - 1) / n);
      assertThat(Math.abs(count - mean)).isLessThanOrEqualTo(Math.max(0.1 * mean, 1.0));
    }
  }
}
