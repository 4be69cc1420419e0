package io.dkv.core.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PartitionMapTest {
  private static final List<String> MEMBERS = List.of("a", "b", "c");

  private static PartitionMap map(List<String> members, List<List<String>> replicas, long... epochs) {
    return PartitionMap.of(2, 2, members, replicas, epochs);
  }

  @Test
  void answersQueriesAboutItsAssignment() {
    PartitionMap m = map(MEMBERS, List.of(List.of("a", "b"), List.of("c", "a"), List.of("b", "c")),
        1, 2, 2);
    assertThat(m.epoch()).isEqualTo(2);
    assertThat(m.partitionCount()).isEqualTo(3);
    assertThat(m.replicasPerPartition()).isEqualTo(2);
    assertThat(m.replicas(1)).containsExactly("c", "a");
    assertThat(m.partitionEpoch(0)).isEqualTo(1);
    assertThat(m.partitionsOf("a")).containsExactly(0, 1);
    assertThat(m.partitionsOf("stranger")).isEmpty();
    assertThat(m.replicaCounts()).containsExactly(
        java.util.Map.entry("a", 2), java.util.Map.entry("b", 2), java.util.Map.entry("c", 2));
    assertThat(m).isEqualTo(map(MEMBERS,
        List.of(List.of("a", "b"), List.of("c", "a"), List.of("b", "c")), 1, 2, 2));
    assertThat(m.toString()).contains("epoch=2", "partitions=3");
  }

  /** A list may be short (a replica was marked down) and a member may hold nothing (it joined). */
  @Test
  void acceptsShortListsAndMembersWithoutPartitions() {
    PartitionMap m = map(MEMBERS, List.of(List.of("a"), List.of("b", "a")), 2, 1);
    assertThat(m.replicasPerPartition()).isEqualTo(2);
    assertThat(m.replicas(0)).containsExactly("a");
    assertThat(m.partitionsOf("c")).isEmpty();
    assertThat(m.replicaCounts()).containsExactly(
        java.util.Map.entry("a", 2), java.util.Map.entry("b", 1), java.util.Map.entry("c", 0));
  }

  @Test
  void isImmutable() {
    java.util.ArrayList<String> replicas = new java.util.ArrayList<>(List.of("a", "b"));
    long[] epochs = {1};
    PartitionMap m = PartitionMap.of(1, 2, MEMBERS, List.of(replicas), epochs);
    replicas.set(0, "c");
    epochs[0] = 0;
    assertThat(m.replicas(0)).containsExactly("a", "b");
    assertThat(m.partitionEpoch(0)).isEqualTo(1);
    assertThat(m.replicas(0)).isUnmodifiable();
  }

  @Test
  void theEmptyMapHasNoReplicas() {
    PartitionMap empty = PartitionMap.empty(4, 3);
    assertThat(empty.epoch()).isZero();
    assertThat(empty.members()).isEmpty();
    assertThat(empty.replicasPerPartition()).isZero();
    assertThat(empty.replicas(3)).isEmpty();
  }

  @Test
  void rejectsBrokenInvariants() {
    assertThatThrownBy(() -> map(List.of("b", "a"), List.of(List.of("a", "b")), 1))
        .hasMessageContaining("sorted and distinct");
    assertThatThrownBy(() -> map(MEMBERS, List.of(List.of("a", "a")), 1))
        .hasMessageContaining("partition 0 has replicas [a, a]");
    assertThatThrownBy(() -> map(MEMBERS, List.of(List.of()), 1))
        .hasMessage("partition 0 has replicas []; it needs 1 to 2 distinct members of [a, b, c]");
    assertThatThrownBy(() -> map(MEMBERS, List.of(List.of("a", "b", "c")), 1))
        .hasMessage("partition 0 has replicas [a, b, c]; it needs 1 to 2 distinct members of"
            + " [a, b, c]");
    assertThatThrownBy(() -> map(List.of("a"), List.of(List.of()), 1))
        .hasMessage("partition 0 has replicas []; it needs 1 member of [a]");
    assertThatThrownBy(() -> map(List.of(), List.of(List.of("a")), 1))
        .hasMessage("partition 0 has replicas [a]; it needs none, as the map has no members");
    assertThatThrownBy(() -> map(MEMBERS, List.of(List.of("a", "z")), 1))
        .hasMessageContaining("partition 0 has replicas [a, z]");
    assertThatThrownBy(() -> map(MEMBERS, List.of(List.of("a", "b")), 3))
        .hasMessageContaining("partition 0 has epoch 3");
    assertThatThrownBy(() -> map(MEMBERS, List.of(List.of("a", "b")), 1, 1))
        .hasMessageContaining("2 partition epochs for 1 partitions");
    assertThatThrownBy(() -> map(MEMBERS, List.of(), new long[0]))
        .hasMessageContaining("at least one partition");
    assertThatThrownBy(() -> map(MEMBERS, List.of(List.of("a", "b")), 1).replicas(1))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }
}
