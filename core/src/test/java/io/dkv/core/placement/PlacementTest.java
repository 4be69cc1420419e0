package io.dkv.core.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlacementTest {

  /**
   * Pins the claim function on a small cluster. Directory replicas compute maps independently, so
   * every node of a cluster must run the same rules: a change here is a compatibility event (all
   * directory voters upgraded together), never a silent refactor.
   */
  /**
   * Regression (a random jqwik seed in CI): B holds 2 of the 21 slots; after it leaves every
   * member must hold exactly 3, and the two members with 2 slots cannot take both of B's holes,
   * so balance forces one extra move. The map stays balanced and copies at most one extra slot.
   */
  @Test
  void aLeaveThatExactBalanceForcesToMoveOneExtraSlot() {
    List<String> members = List.of("A", "B", "C", "D", "AA", "AAA", "ABB", "ABAABB");
    PartitionMap before = Placement.initial(members, 7, 3);
    List<String> rest = members.stream().filter(m -> !m.equals("B")).toList();
    PartitionMap after = Placement.rebalance(before, rest);
    MapChecks.assertWellFormedAndBalanced(after);
    int held = before.partitionsOf("B").size();
    assertThat(after.replicaCounts().values()).containsOnly(3);
    assertThat(MapStats.moved(before, after)).isBetween(held, held + 1);
  }

  @Test
  void goldenInitialMapAndJoin() {
    PartitionMap map = Placement.initial(List.of("d", "b", "a", "c"), 8, 2);
    assertThat(map.members()).containsExactly("a", "b", "c", "d");
    List<List<String>> expected = List.of(List.of("b", "c"), List.of("d", "a"), List.of("c", "b"),
        List.of("a", "d"), List.of("d", "b"), List.of("a", "c"), List.of("b", "d"),
        List.of("c", "a"));
    for (int p = 0; p < 8; p++) {
      assertThat(map.replicas(p)).as("partition %d", p).isEqualTo(expected.get(p));
      assertThat(map.partitionEpoch(p)).isEqualTo(1);
    }

    PartitionMap joined = Placement.rebalance(map, List.of("a", "b", "c", "d", "e"));
    assertThat(joined.epoch()).isEqualTo(2);
    assertThat(joined.replicas(2)).containsExactly("e", "b");
    assertThat(joined.replicas(3)).containsExactly("a", "e");
    assertThat(joined.replicas(6)).containsExactly("e", "d");
    assertThat(joined.partitionsOf("e")).containsExactly(2, 3, 6);
    assertThat(joined.partitionEpoch(2)).isEqualTo(2);
    assertThat(joined.partitionEpoch(0)).isEqualTo(1);
  }

  /**
   * The headline configuration (Q = 256, N = 3) for every cluster size from 1 to 40: a join copies
   * floor or ceil of S/(n+1) replicas, never more than 1.1 x that ideal (at n = 40 the ideal is 18.7
   * and ceil is 19), and a leave copies exactly the leaver's replicas.
   */
  @Test
  void headlineConfigurationAtEveryClusterSizeUpTo40() {
    for (int n = 1; n <= 40; n++) {
      List<String> members = MapStats.nodes(n);
      PartitionMap map = Placement.initial(members, 256, 3);
      MapChecks.assertWellFormedAndBalanced(map);
      List<String> plusOne = new ArrayList<>(members);
      plusOne.add("node-new");
      PartitionMap joined = Placement.rebalance(map, plusOne);
      MapChecks.assertWellFormedAndBalanced(joined);
      if (n >= 3) {
        double ideal = 768.0 / (n + 1);
        assertThat((double) MapStats.moved(map, joined)).as("join at n=%d", n)
            .isLessThanOrEqualTo(1.1 * ideal).isGreaterThanOrEqualTo(Math.floor(ideal));
      }
      if (n >= 2) {
        String leaver = members.get(n / 2);
        PartitionMap left = Placement.rebalance(map, members.stream()
            .filter(m -> !m.equals(leaver)).toList());
        MapChecks.assertWellFormedAndBalanced(left);
        int expected = n - 1 >= 3 ? map.partitionsOf(leaver).size() : 0;
        assertThat(MapStats.moved(map, left)).as("leave at n=%d", n).isEqualTo(expected);
      }
    }
  }

  @Test
  void initialIsARebalanceOfTheEmptyMap() {
    List<String> members = MapStats.nodes(7);
    assertThat(Placement.initial(members, 256, 3))
        .isEqualTo(Placement.rebalance(PartitionMap.empty(256, 3), members));
  }

  @Test
  void fewerMembersThanTheReplicationFactorReplicateEverywhere() {
    PartitionMap map = Placement.initial(List.of("x", "y"), 16, 3);
    assertThat(map.replicationFactor()).isEqualTo(3);
    assertThat(map.replicasPerPartition()).isEqualTo(2);
    for (int p = 0; p < 16; p++) {
      assertThat(map.replicas(p)).containsExactlyInAnyOrder("x", "y");
    }
    assertThat(MapStats.firstReplicaRange(map)).containsExactly(8, 8);

    PartitionMap grown = Placement.rebalance(map, List.of("x", "y", "z"));
    for (int p = 0; p < 16; p++) {
      assertThat(grown.replicas(p)).startsWith(map.replicas(p).toArray(String[]::new))
          .endsWith("z");
    }
  }

  /**
   * The directory shrinks a list when a replica is marked down; a later rebalance of that map fills
   * every short list (appending to the survivors, whose order it keeps) and copies no more than
   * the departure of that node would have.
   */
  @Test
  void rebalancingAMapWithShortListsFillsThem() {
    List<String> members = MapStats.nodes(5);
    PartitionMap full = Placement.initial(members, 64, 3);
    String down = members.get(2);
    List<String> rest = members.stream().filter(m -> !m.equals(down)).toList();
    List<List<String>> shortLists = new ArrayList<>();
    for (int p = 0; p < 64; p++) {
      shortLists.add(full.replicas(p).stream().filter(r -> !r.equals(down)).toList());
    }
    PartitionMap shrunk = PartitionMap.of(2, 3, rest, shortLists, new long[64]);
    assertThat(shrunk.partitionsOf(members.get(0))).anyMatch(p -> shrunk.replicas(p).size() == 2);

    PartitionMap filled = Placement.rebalance(shrunk, rest);
    MapChecks.assertWellFormedAndBalanced(filled);
    for (int p = 0; p < 64; p++) {
      assertThat(filled.replicas(p)).as("partition %d", p)
          .startsWith(shrunk.replicas(p).toArray(String[]::new));
    }
    int held = full.partitionsOf(down).size();
    assertThat(MapStats.moved(shrunk, filled)).isBetween(held, held + 1);
  }

  @Test
  void aSingleNodeHoldsEverything() {
    PartitionMap map = Placement.initial(List.of("solo"), 4, 3);
    assertThat(map.replicaCounts()).containsEntry("solo", 4);
    assertThat(map.partitionsOf("solo")).containsExactly(0, 1, 2, 3);
  }

  /** Large configurations stay well formed; a guard against quadratic blow-ups in the rules. */
  @Test
  void aLargeClusterStaysBalancedThroughAJoinAndALeave() {
    List<String> members = new ArrayList<>(MapStats.nodes(60));
    PartitionMap map = Placement.initial(members, 4096, 5);
    MapChecks.assertWellFormedAndBalanced(map);
    members.add("node-new");
    PartitionMap joined = Placement.rebalance(map, members);
    MapChecks.assertWellFormedAndBalanced(joined);
    assertThat(MapStats.moved(map, joined)).isEqualTo(joined.partitionsOf("node-new").size());
    members.remove("node-07");
    PartitionMap left = Placement.rebalance(joined, members);
    MapChecks.assertWellFormedAndBalanced(left);
    assertThat(MapStats.moved(joined, left)).isEqualTo(joined.partitionsOf("node-07").size());
  }

  @Test
  void rejectsBadMemberLists() {
    PartitionMap empty = PartitionMap.empty(8, 3);
    assertThatThrownBy(() -> Placement.rebalance(empty, List.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one member");
    assertThatThrownBy(() -> Placement.rebalance(empty, List.of("a", "b", "a")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate member 'a'");
    assertThatThrownBy(() -> Placement.rebalance(empty, List.of("a", " ")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-blank");
    assertThatThrownBy(() -> Placement.initial(List.of("a"), 0, 3))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("partitionCount");
    assertThatThrownBy(() -> Placement.initial(List.of("a"), 8, 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("replicationFactor");
  }
}
