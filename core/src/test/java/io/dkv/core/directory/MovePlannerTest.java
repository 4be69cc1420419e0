package io.dkv.core.directory;

import static io.dkv.core.directory.DirectoryStateTest.applyAll;
import static io.dkv.core.directory.DirectoryStateTest.upCluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.directory.DirectoryCommand.Demote;
import io.dkv.core.directory.DirectoryCommand.Evict;
import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryCommand.Leave;
import io.dkv.core.directory.DirectoryCommand.MarkDown;
import io.dkv.core.directory.DirectoryCommand.MarkUp;
import io.dkv.core.directory.DirectoryCommand.MoveRequest;
import io.dkv.core.directory.DirectoryCommand.Promote;
import io.dkv.core.directory.DirectoryCommand.Release;
import io.dkv.core.directory.DirectoryCommand.Remove;
import io.dkv.core.directory.DirectoryCommand.StartMoves;
import io.dkv.core.placement.PartitionMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The leader's move planner, run to completion against the directory's own rules: each round
 * submits what the planner asks, promotes every learner as if its copy finished, and lets every
 * node see every epoch, until the planner asks for nothing more.
 */
class MovePlannerTest {
  private static final int UNLIMITED = Integer.MAX_VALUE;

  /** The outcome of running the planner until it is quiet. */
  private record Settled(DirectoryState state, int moves, int demotions) {}

  private static Settled settle(DirectoryState s, int maxMovesPerNode) {
    int moves = 0;
    int demotions = 0;
    for (int round = 0; round < 100; round++) {
      List<DirectoryCommand> plan = MovePlanner.plan(s, node -> Long.MAX_VALUE, maxMovesPerNode);
      if (plan.isEmpty()) {
        return new Settled(s, moves, demotions);
      }
      for (DirectoryCommand c : plan) {
        s = applyAll(s, c);
        if (c instanceof StartMoves m) {
          moves += m.moves().size();
          for (MoveRequest r : m.moves()) {
            s = applyAll(s, new Promote(r.partition(), r.to(), s.map().set(r.partition()).move().since()));
          }
        }
        demotions += c instanceof Demote ? 1 : 0;
      }
    }
    throw new AssertionError("the planner did not settle in 100 rounds");
  }

  private static void assertBalancedAndFull(PartitionMap map, List<String> nodes) {
    int slots = map.partitionCount() * map.replicationFactor();
    for (String n : nodes) {
      assertThat(map.partitionsOf(n).size()).as("partitions of %s", n)
          .isBetween(slots / nodes.size(), (slots + nodes.size() - 1) / nodes.size());
    }
    for (int p = 0; p < map.partitionCount(); p++) {
      assertThat(map.replicas(p)).hasSize(map.replicationFactor());
      assertThat(map.set(p).move()).isNull();
      assertThat(map.set(p).leaving()).isEmpty();
    }
  }

  @Test
  void aJoinMovesExactlyTheNewcomersShareAndMarksItUp() {
    DirectoryState joined = applyAll(upCluster(3), new Join("n4", "10.0.0.4:7401"));
    List<DirectoryCommand> first = MovePlanner.plan(joined, node -> 0, UNLIMITED);
    assertThat(first).hasSize(1).first().isInstanceOf(StartMoves.class);
    Settled done = settle(joined, UNLIMITED);
    // 16 partitions x 3 replicas = 48 slots; n4's share is 12: one move each, nothing else.
    assertThat(done.moves()).isEqualTo(12);
    assertThat(done.state().member("n4").orElseThrow().state()).isEqualTo(NodeState.UP);
    assertBalancedAndFull(done.state().map(), List.of("n1", "n2", "n3", "n4"));
  }

  @Test
  void aLeavingNodeIsDrainedThenRemoved() {
    DirectoryState leaving = applyAll(upCluster(4), new Leave("n4"));
    int held = leaving.map().partitionsOf("n4").size();
    Settled done = settle(leaving, UNLIMITED);
    assertThat(done.moves()).isEqualTo(held);
    assertThat(done.state().member("n4").orElseThrow().state()).isEqualTo(NodeState.REMOVED);
    assertBalancedAndFull(done.state().map(), List.of("n1", "n2", "n3"));
  }

  /** With no other node to take its place, a draining replica is demoted: lists shrink to 2. */
  @Test
  void aLeavingNodeOfAThreeNodeClusterIsDemotedEverywhere() {
    Settled done = settle(applyAll(upCluster(3), new Leave("n3")), UNLIMITED);
    assertThat(done.moves()).isZero();
    assertThat(done.demotions()).isEqualTo(16);
    assertThat(done.state().member("n3").orElseThrow().state()).isEqualTo(NodeState.REMOVED);
    for (int p = 0; p < 16; p++) {
      assertThat(done.state().map().replicas(p)).containsExactlyInAnyOrder("n1", "n2");
    }
  }

  /** After an eviction the short lists are filled from the others, and nothing else moves. */
  @Test
  void holesLeftByAnEvictionAreFilled() {
    DirectoryState evicted = applyAll(upCluster(4), new MarkDown("n4"), new Evict("n4", 2));
    int holes = 16 * 3 - evicted.map().replicaCounts().values().stream().mapToInt(i -> i).sum();
    Settled done = settle(evicted, UNLIMITED);
    assertThat(done.moves()).isEqualTo(holes);
    assertBalancedAndFull(done.state().map(), List.of("n1", "n2", "n3"));
  }

  /** A down node that still holds replicas moves nothing: its outage may be short. */
  @Test
  void aDownNodeNotYetEvictedMovesNothing() {
    DirectoryState down = applyAll(upCluster(4), new MarkDown("n4"));
    assertThat(MovePlanner.plan(down, node -> Long.MAX_VALUE, UNLIMITED)).isEmpty();
  }

  @Test
  void movesToOneNodeAreCapped() {
    DirectoryState joined = applyAll(upCluster(3), new Join("n4", "10.0.0.4:7401"));
    StartMoves first = (StartMoves) MovePlanner.plan(joined, node -> 0, 5).get(0);
    assertThat(first.moves()).hasSize(5);
    DirectoryState moving = applyAll(joined, first);
    assertThat(MovePlanner.plan(moving, node -> 0, 5)).isEmpty();
    Settled done = settle(joined, 5);
    assertThat(done.moves()).isEqualTo(12);
    assertThat(done.state().map().partitionsOf("n4")).hasSize(12);
  }

  /** A replaced replica is released only once its view has the partition's epoch. */
  @Test
  void aLeavingNodeIsReleasedOnceItHasSeenTheChange() {
    DirectoryState joined = applyAll(upCluster(3), new Join("n4", "10.0.0.4:7401"));
    MoveRequest move = ((StartMoves) MovePlanner.plan(joined, node -> 0, 1).get(0)).moves().get(0);
    DirectoryState promoted = applyAll(joined, new StartMoves(List.of(move)));
    promoted = applyAll(promoted, new Promote(move.partition(), "n4",
        promoted.map().set(move.partition()).move().since()));
    long epoch = promoted.map().partitionEpoch(move.partition());
    Map<String, Long> seen = Map.of(move.from(), epoch - 1);
    assertThat(MovePlanner.plan(promoted, n -> seen.getOrDefault(n, 0L), 0))
        .noneMatch(c -> c instanceof Release);
    assertThat(MovePlanner.plan(promoted, n -> n.equals(move.from()) ? epoch : 0, 0))
        .contains(new Release(move.partition(), move.from()));
  }

  @Test
  void aJoiningNodeWithNothingToTakeIsMarkedUpAndAnEmptyLeaverRemoved() {
    DirectoryState s = applyAll(DirectoryState.initial(1, 1), new DirectoryCommand.Initialize(
        List.of(new Join("a", "h:1")), 1, 1), new Join("b", "h:2"), new Join("c", "h:3"),
        new Leave("c"));
    List<DirectoryCommand> plan = MovePlanner.plan(s, n -> 0, UNLIMITED);
    assertThat(plan).contains(new Remove("c"));
    assertThat(plan).filteredOn(c -> c instanceof MarkUp).hasSize(1);
  }

  /**
   * Regression: a node being removed that went down and came back was marked up, and its removal
   * silently stopped. A draining node stays draining through a down spell: marked up it leaves
   * again, and if it stays down it is removed once eviction and the moves that fill its holes have
   * taken every role it had.
   */
  @Test
  void aDrainingNodeIsRemovedWhetherItComesBackOrStaysDown() {
    DirectoryState downWhileLeaving = applyAll(upCluster(4), new Leave("n4"), new MarkDown("n4"));
    assertThat(MovePlanner.plan(downWhileLeaving, node -> Long.MAX_VALUE, UNLIMITED))
        .as("partitions with a down participant wait").isEmpty();

    DirectoryState back = applyAll(downWhileLeaving, new MarkUp("n4"));
    assertThat(back.member("n4").orElseThrow().state()).isEqualTo(NodeState.LEAVING);
    Settled drained = settle(back, UNLIMITED);
    assertThat(drained.state().member("n4").orElseThrow().state()).isEqualTo(NodeState.REMOVED);
    assertBalancedAndFull(drained.state().map(), List.of("n1", "n2", "n3"));

    Settled gone = settle(applyAll(downWhileLeaving, new Evict("n4", 2)), UNLIMITED);
    assertThat(gone.state().member("n4").orElseThrow().state()).isEqualTo(NodeState.REMOVED);
    assertBalancedAndFull(gone.state().map(), List.of("n1", "n2", "n3"));
  }

  /** A node that was down but never asked to leave keeps its place when it is evicted and back. */
  @Test
  void aDownNodeThatIsNotDrainingIsNeverRemoved() {
    DirectoryState evicted = applyAll(upCluster(4), new MarkDown("n4"), new Evict("n4", 2));
    Settled done = settle(evicted, UNLIMITED);
    assertThat(done.state().member("n4").orElseThrow().state()).isEqualTo(NodeState.DOWN);
    Settled back = settle(applyAll(done.state(), new MarkUp("n4")), UNLIMITED);
    assertThat(back.state().member("n4").orElseThrow().state()).isEqualTo(NodeState.UP);
    assertBalancedAndFull(back.state().map(), List.of("n1", "n2", "n3", "n4"));
  }

  /** Killed in the middle of its drain: some moves off it started, some promoted, then evicted. */
  @Test
  void aDrainingNodeEvictedMidDrainLeavesNoHoleAndIsRemoved() {
    DirectoryState s = applyAll(upCluster(4), new Leave("n4"));
    StartMoves first = (StartMoves) MovePlanner.plan(s, node -> 0, 3).stream()
        .filter(c -> c instanceof StartMoves).findFirst().orElseThrow();
    s = applyAll(s, first);
    MoveRequest promoted = first.moves().get(0);
    s = applyAll(s, new Promote(promoted.partition(), promoted.to(),
        s.map().set(promoted.partition()).move().since()));
    s = applyAll(s, new MarkDown("n4"), new Evict("n4", 2));
    for (int p : s.map().moving()) { // the copies still running finish
      s = applyAll(s, new Promote(p, s.map().set(p).move().to(), s.map().set(p).move().since()));
    }
    Settled done = settle(s, UNLIMITED);
    assertThat(done.state().member("n4").orElseThrow().state()).isEqualTo(NodeState.REMOVED);
    assertBalancedAndFull(done.state().map(), List.of("n1", "n2", "n3"));
  }
}
