package io.dkv.core.directory;

import static io.dkv.core.directory.DirectoryStateTest.PARTITIONS;
import static io.dkv.core.directory.DirectoryStateTest.applyAll;
import static io.dkv.core.directory.DirectoryStateTest.rejection;
import static io.dkv.core.directory.DirectoryStateTest.threeUp;
import static io.dkv.core.directory.DirectoryStateTest.upCluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.directory.DirectoryCommand.Evict;
import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryCommand.Leave;
import io.dkv.core.directory.DirectoryCommand.MarkDown;
import io.dkv.core.directory.DirectoryCommand.MarkUp;
import io.dkv.core.directory.DirectoryCommand.Remove;
import io.dkv.core.placement.PartitionMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The membership rules: no command but Initialize hands out replicas, MarkDown changes only a
 * node's state, and Evict takes a down node out of the lists that keep their floor without it.
 */
class DirectoryMembershipTest {

  @Test
  void aJoinBeforeInitializeIsRefused() {
    DirectoryState empty = DirectoryState.initial(PARTITIONS, 3);
    assertThat(rejection(empty, new Join("n1", "10.0.0.1:7401"))).isEqualTo("node 'n1' cannot"
        + " join: the directory is not initialized; a new cluster starts with Initialize (its"
        + " members, partition count and replication factor)");
  }

  @Test
  void aJoiningNodeEntersTheMapWithNoReplicasAndMarkingItUpKeepsTheMap() {
    DirectoryState before = threeUp();
    DirectoryState joined = applyAll(before, new Join("n4", "10.0.0.4:7401"));
    assertThat(joined.member("n4")).contains(new Member("n4", "10.0.0.4:7401", NodeState.JOINING));
    assertThat(joined.map().members()).containsExactly("n1", "n2", "n3", "n4");
    assertThat(joined.map().epoch()).isEqualTo(joined.epoch());
    assertThat(joined.map().partitionsOf("n4")).isEmpty();
    assertSameListsAndPartitionEpochs(before.map(), joined.map());

    DirectoryState up = applyAll(joined, new MarkUp("n4"));
    assertThat(up.member("n4").orElseThrow().state()).isEqualTo(NodeState.UP);
    assertThat(up.map()).isSameAs(joined.map());
  }

  /** A down node stays in the map and in every list until it is evicted. */
  @Test
  void markDownChangesOnlyTheStateFromJoiningUpOrLeaving() {
    DirectoryState before = applyAll(upCluster(5), new Join("n6", "10.0.0.6:7401"),
        new Leave("n5"));
    DirectoryState after = applyAll(before, new MarkDown("n2"), new MarkDown("n5"),
        new MarkDown("n6"));
    for (String node : List.of("n2", "n5", "n6")) {
      assertThat(after.member(node).orElseThrow().state()).as(node).isEqualTo(NodeState.DOWN);
    }
    assertThat(before.map().partitionsOf("n2")).isNotEmpty();
    assertThat(after.map()).isSameAs(before.map());
  }

  @Test
  void evictTakesADownNodeOutOfExactlyItsPartitionsAndReStampsOnlyThose() {
    DirectoryState down = applyAll(upCluster(5), new MarkDown("n2"));
    DirectoryState after = applyAll(down, new Evict("n2", 2));
    assertThat(after.member("n2").orElseThrow().state()).isEqualTo(NodeState.DOWN);
    assertThat(after.map().members()).containsExactly("n1", "n2", "n3", "n4", "n5");
    assertThat(after.map().epoch()).isEqualTo(after.epoch());
    assertThat(after.map().partitionsOf("n2")).isEmpty();
    PartitionMap was = down.map();
    assertThat(was.partitionsOf("n2")).isNotEmpty().hasSizeLessThan(PARTITIONS);
    for (int p = 0; p < PARTITIONS; p++) {
      boolean held = was.replicas(p).contains("n2");
      List<String> rest = was.replicas(p).stream().filter(r -> !r.equals("n2")).toList();
      assertThat(after.map().replicas(p)).as("partition %d", p).isEqualTo(rest);
      assertThat(after.map().partitionEpoch(p)).as("partition %d", p)
          .isEqualTo(held ? after.epoch() : was.partitionEpoch(p));
    }
  }

  /**
   * With 5 members every list has 3 replicas; once n2 is evicted, the partitions n2 and n4 shared
   * have 2, and at floor 2 they keep n4 while its other partitions let it go.
   */
  @Test
  void evictionIsPartialWherePartitionsAreAtTheFloor() {
    DirectoryState s = applyAll(upCluster(5), new MarkDown("n2"), new Evict("n2", 2),
        new MarkDown("n4"));
    PartitionMap was = s.map();
    List<Integer> atFloor = was.partitionsOf("n4").stream()
        .filter(p -> was.replicas(p).size() == 2).toList();
    assertThat(atFloor).isNotEmpty().hasSizeLessThan(was.partitionsOf("n4").size());

    DirectoryState partial = applyAll(s, new Evict("n4", 2));
    PartitionMap map = partial.map();
    assertThat(map.partitionsOf("n4")).isEqualTo(atFloor);
    assertThat(map.epoch()).isEqualTo(partial.epoch());
    for (int p = 0; p < PARTITIONS; p++) {
      boolean shrinks = was.replicas(p).contains("n4") && !atFloor.contains(p);
      List<String> expected = shrinks
          ? was.replicas(p).stream().filter(r -> !r.equals("n4")).toList() : was.replicas(p);
      assertThat(map.replicas(p)).as("partition %d", p).isEqualTo(expected);
      assertThat(map.partitionEpoch(p)).as("partition %d", p)
          .isEqualTo(shrinks ? partial.epoch() : was.partitionEpoch(p));
    }

    String noun = atFloor.size() == 1 ? " partition" : " partitions";
    int first = atFloor.get(0);
    assertThat(rejection(partial, new Evict("n4", 2))).isEqualTo("cannot evict node 'n4': all its "
        + atFloor.size() + noun + " would keep fewer than 2 replicas (partition " + first + ": "
        + map.replicas(first) + "); the floor is 2 (min replicas), so they wait for the node to"
        + " come back, or for a lower floor");
    assertThat(rejection(partial, new Remove("n4"))).isEqualTo("cannot remove node 'n4': it still"
        + " holds replicas of " + atFloor.size() + noun + "; they must be moved to other nodes"
        + " first");

    DirectoryState back = applyAll(partial, new MarkUp("n4"));
    assertThat(back.member("n4").orElseThrow().state()).isEqualTo(NodeState.UP);
    assertThat(back.map()).isSameAs(partial.map());
  }

  @Test
  void aLowerFloorEvictsWhatAHigherOneKept() {
    DirectoryState s = applyAll(threeUp(), new MarkDown("n2"), new Evict("n2", 2),
        new MarkDown("n3"));
    List<String> partition0 = s.map().replicas(0);
    assertThat(partition0).hasSize(2);
    assertThat(rejection(s, new Evict("n3", 2))).isEqualTo("cannot evict node 'n3': all its 16"
        + " partitions would keep fewer than 2 replicas (partition 0: " + partition0 + "); the"
        + " floor is 2 (min replicas), so they wait for the node to come back, or for a lower"
        + " floor");

    DirectoryState one = applyAll(s, new Evict("n3", 1));
    for (int p = 0; p < PARTITIONS; p++) {
      assertThat(one.map().replicas(p)).containsExactly("n1");
    }
    DirectoryState lastDown = applyAll(one, new MarkDown("n1"));
    assertThat(rejection(lastDown, new Evict("n1", 1))).startsWith("cannot evict node 'n1': all"
        + " its 16 partitions would keep fewer than 1 replicas (partition 0: [n1])");
  }

  @Test
  void evictIsRefusedUnlessTheNodeIsDownWithReplicasAndTheFloorIsInRange() {
    DirectoryState s = applyAll(threeUp(), new Join("n4", "10.0.0.4:7401"), new MarkDown("n2"),
        new MarkDown("n4"));
    assertThat(rejection(s, new Evict("n1", 2))).isEqualTo("cannot evict node 'n1': it is up;"
        + " allowed only from [down]; mark it down first");
    assertThat(rejection(s, new Evict("n9", 2))).isEqualTo("cannot evict node 'n9': unknown"
        + " node; the directory knows [n1, n2, n3, n4]");
    for (int floor : new int[] {0, -1, 16}) {
      assertThat(rejection(s, new Evict("n2", floor))).isEqualTo("cannot evict node 'n2':"
          + " minReplicas " + floor + " is outside 1..15");
    }
    assertThat(rejection(s, new Evict("n4", 1))).isEqualTo("cannot evict node 'n4': it has"
        + " no role in any partition");
    DirectoryState evicted = applyAll(s, new Evict("n2", 1));
    assertThat(rejection(evicted, new Evict("n2", 1))).isEqualTo("cannot evict node 'n2': it"
        + " has no role in any partition");
  }

  @Test
  void aDownNodeIsRemovedOnlyOnceFullyEvicted() {
    DirectoryState down = applyAll(upCluster(4), new MarkDown("n4"));
    int held = down.map().partitionsOf("n4").size();
    assertThat(rejection(down, new Remove("n4"))).isEqualTo("cannot remove node 'n4': it still"
        + " holds replicas of " + held + " partitions; they must be moved to other nodes first");

    DirectoryState evicted = applyAll(down, new Evict("n4", 2));
    DirectoryState removed = applyAll(evicted, new Remove("n4"));
    assertThat(removed.member("n4").orElseThrow().state()).isEqualTo(NodeState.REMOVED);
    assertThat(removed.map().members()).containsExactly("n1", "n2", "n3");
    assertThat(removed.map().epoch()).isEqualTo(removed.epoch());
    assertSameListsAndPartitionEpochs(evicted.map(), removed.map());
    assertThat(rejection(removed, new MarkUp("n4"))).isEqualTo(
        "cannot mark up node 'n4': it is removed; allowed only from [joining, down];"
            + " a removed node must join again");
    assertThat(rejection(removed, new Evict("n4", 1))).isEqualTo(
        "cannot evict node 'n4': it is removed; allowed only from [down]; a removed node must"
            + " join again");
    DirectoryState again = applyAll(removed, new Join("n4", "10.0.0.44:7401"));
    assertThat(again.member("n4")).contains(new Member("n4", "10.0.0.44:7401", NodeState.JOINING));
    assertThat(again.map().partitionsOf("n4")).isEmpty();
  }

  @Test
  void aLeavingNodeKeepsItsReplicasAndIsRemovedOnlyOnceItHoldsNone() {
    DirectoryState before = threeUp();
    DirectoryState leaving = applyAll(before, new Leave("n3"));
    assertThat(leaving.member("n3").orElseThrow().state()).isEqualTo(NodeState.LEAVING);
    assertThat(leaving.map()).isSameAs(before.map());
    assertThat(rejection(leaving, new Remove("n3"))).isEqualTo("cannot remove node 'n3': it"
        + " still holds replicas of 16 partitions; they must be moved to other nodes first");
    assertThat(rejection(leaving, new Evict("n3", 1))).isEqualTo("cannot evict node 'n3': it is"
        + " leaving; allowed only from [down]; mark it down first");

    DirectoryState removed = applyAll(leaving, new MarkDown("n3"), new Evict("n3", 2),
        new Remove("n3"));
    assertThat(removed.member("n3").orElseThrow().state()).isEqualTo(NodeState.REMOVED);
    assertThat(removed.map().members()).containsExactly("n1", "n2");
    for (int p = 0; p < PARTITIONS; p++) {
      assertThat(removed.map().replicas(p)).containsExactlyInAnyOrder("n1", "n2");
    }
  }

  @Test
  void aDownNodeThatLeavesKeepsItsReplicas() {
    DirectoryState down = applyAll(upCluster(4), new MarkDown("n4"));
    DirectoryState leaving = applyAll(down, new Leave("n4"));
    assertThat(leaving.member("n4").orElseThrow().state()).isEqualTo(NodeState.LEAVING);
    assertThat(leaving.map()).isSameAs(down.map());
    assertThat(leaving.map().partitionsOf("n4")).isNotEmpty();
  }

  @Test
  void theLastMemberKeepsItsReplicas() {
    DirectoryState down = applyAll(upCluster(1), new MarkDown("n1"));
    assertThat(rejection(down, new Evict("n1", 1))).startsWith("cannot evict node 'n1': all its"
        + " 16 partitions would keep fewer than 1 replicas");
    DirectoryState leaving = applyAll(down, new Leave("n1"));
    assertThat(rejection(leaving, new Remove("n1"))).startsWith("cannot remove node 'n1': it"
        + " still holds replicas of 16 partitions");
  }

  @Test
  void invalidMembershipCommandsAreRejectedWithTheReason() {
    DirectoryState s = threeUp();
    assertThat(rejection(s, new MarkDown("n9"))).isEqualTo(
        "cannot mark down node 'n9': unknown node; the directory knows [n1, n2, n3]");
    assertThat(rejection(s, new Join("n1", "10.0.0.9:7401"))).isEqualTo(
        "node 'n1' already joined with address 10.0.0.1:7401; it cannot join again at"
            + " 10.0.0.9:7401 (state up); a node joins once, or again after it is removed");
    assertThat(rejection(s, new Join("n1", "10.0.0.1:7401")))
        .startsWith("node 'n1' already joined (state up)");
    assertThat(rejection(s, new Remove("n1"))).isEqualTo(
        "cannot remove node 'n1': it is up; allowed only from [leaving, down]");
    assertThat(rejection(s, new MarkUp("n1"))).contains("it is up; allowed only from [joining, down]");
    DirectoryState down = applyAll(s, new MarkDown("n1"));
    assertThat(rejection(down, new MarkDown("n1"))).isEqualTo(
        "cannot mark down node 'n1': it is down; allowed only from [joining, up, leaving]");
    assertThat(rejection(down, new Join("n1", "10.0.0.1:7401")))
        .startsWith("node 'n1' already joined (state down)");
    assertThat(rejection(s, new Join("bad id", "10.0.0.9:7401"))).isEqualTo(
        "node id 'bad id' is invalid; use 1-64 characters of letters, digits, '_', '.', '-',"
            + " starting with a letter or digit");
    for (String address : List.of("10.0.0.9", "10.0.0.9:0", "10.0.0.9:65536", ":7401",
        "host name:7401", "10.0.0.9:74x1")) {
      assertThat(rejection(s, new Join("n9", address))).as(address)
          .startsWith("address '" + address + "' is not HOST:PORT with a port in 1..65535");
    }
    applyAll(s, new Join("n9", "[::1]:7401"), new Join("n8", "db-8.example.com:1"));
  }

  /** Only the map's members and epoch changed: every list and partition epoch is as before. */
  private static void assertSameListsAndPartitionEpochs(PartitionMap before, PartitionMap after) {
    for (int p = 0; p < PARTITIONS; p++) {
      assertThat(after.replicas(p)).isEqualTo(before.replicas(p));
      assertThat(after.partitionEpoch(p)).isEqualTo(before.partitionEpoch(p));
    }
  }
}
