package io.dkv.core.directory;

import static io.dkv.core.directory.DirectoryStateTest.applyAll;
import static io.dkv.core.directory.DirectoryStateTest.upCluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryCommand.Leave;
import io.dkv.core.directory.DirectoryCommand.MoveRequest;
import io.dkv.core.directory.DirectoryCommand.Promote;
import io.dkv.core.directory.DirectoryCommand.Release;
import io.dkv.core.directory.DirectoryCommand.Remove;
import io.dkv.core.directory.DirectoryCommand.StartMoves;
import io.dkv.core.directory.MoveProgress.MemberProgress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where the moves of a join and a drain stand, from states the directory's own commands made. */
class MoveProgressTest {
  private static final int UNLIMITED = Integer.MAX_VALUE;

  /** The planner's moves for {@code s}, started: what the directory's leader would submit first. */
  private static StartMoves plannedMoves(DirectoryState s) {
    return MovePlanner.plan(s, node -> 0, UNLIMITED).stream()
        .filter(StartMoves.class::isInstance).map(StartMoves.class::cast).findFirst().orElseThrow();
  }

  /** Promotes the first {@code count} of {@code moves}, as if their copies had finished. */
  private static DirectoryState promote(DirectoryState s, StartMoves moves, int count) {
    for (MoveRequest m : moves.moves().subList(0, count)) {
      s = applyAll(s, new Promote(m.partition(), m.to(), s.map().set(m.partition()).move().since()));
    }
    return s;
  }

  @Test
  void aClusterAtItsTargetHasEveryMemberOnItAndNothingMoving() {
    // Q = 16, RF = 3 on three nodes: every node holds every partition.
    MoveProgress p = MoveProgress.of(upCluster(3));
    assertThat(p.movesInProgress()).isZero();
    assertThat(p.members()).containsExactly(
        new MemberProgress("n1", NodeState.UP, 16, 16, 0, 0),
        new MemberProgress("n2", NodeState.UP, 16, 16, 0, 0),
        new MemberProgress("n3", NodeState.UP, 16, 16, 0, 0));
  }

  @Test
  void aJoiningNodeLearnsItsShareAndTheNodesItReplacesLeaveThosePartitions() {
    DirectoryState joined = applyAll(upCluster(3), new Join("n4", "10.0.0.4:7401"));
    MoveProgress before = MoveProgress.of(joined);
    // 48 replica slots over four nodes: 12 each at the target.
    assertThat(before.members()).extracting(MemberProgress::target).containsExactly(12, 12, 12, 12);
    assertThat(before.members().get(3)).isEqualTo(new MemberProgress("n4", NodeState.JOINING, 0, 12, 0, 0));

    StartMoves moves = plannedMoves(joined);
    assertThat(moves.moves()).hasSize(12);
    DirectoryState moving = applyAll(joined, moves);
    MoveProgress started = MoveProgress.of(moving);
    assertThat(started.movesInProgress()).isEqualTo(12);
    assertThat(started.members().get(3)).isEqualTo(new MemberProgress("n4", NodeState.JOINING, 0, 12, 12, 0));
    assertThat(started.members()).extracting(MemberProgress::target)
        .as("the target counts the moves in progress as done").containsExactly(12, 12, 12, 12);

    MoveProgress halfway = MoveProgress.of(promote(moving, moves, 5));
    assertThat(halfway.movesInProgress()).isEqualTo(7);
    assertThat(halfway.members().get(3)).isEqualTo(new MemberProgress("n4", NodeState.JOINING, 5, 12, 7, 0));
    // Each promotion puts one founder out of that partition, leaving it until released.
    assertThat(halfway.members().subList(0, 3)).extracting(MemberProgress::leaving)
        .satisfies(l -> assertThat(l.stream().mapToInt(Integer::intValue).sum()).isEqualTo(5));
    assertThat(halfway.members().subList(0, 3)).allSatisfy(m ->
        assertThat(m.partitions() + m.leaving()).isEqualTo(16));
  }

  @Test
  void aDrainingNodeHasATargetOfNoneAndARemovedOneIsListedWithNothing() {
    DirectoryState s = applyAll(upCluster(4), new Leave("n4"));
    MoveProgress leaving = MoveProgress.of(s);
    MemberProgress n4 = leaving.members().get(3);
    assertThat(n4.state()).isEqualTo(NodeState.LEAVING);
    assertThat(n4.target()).isZero();
    assertThat(n4.partitions()).isEqualTo(12);
    assertThat(leaving.members().subList(0, 3)).extracting(MemberProgress::target)
        .containsExactly(16, 16, 16);

    StartMoves moves = plannedMoves(s);
    assertThat(moves.moves()).hasSize(12);
    DirectoryState drained = promote(applyAll(s, moves), moves, 12);
    for (MoveRequest m : moves.moves()) {
      drained = applyAll(drained, new Release(m.partition(), "n4"));
    }
    MoveProgress empty = MoveProgress.of(drained);
    assertThat(empty.movesInProgress()).isZero();
    assertThat(empty.members().get(3)).isEqualTo(new MemberProgress("n4", NodeState.LEAVING, 0, 0, 0, 0));

    MoveProgress removed = MoveProgress.of(applyAll(drained, new Remove("n4")));
    assertThat(removed.members()).hasSize(4);
    assertThat(removed.members().get(3)).isEqualTo(new MemberProgress("n4", NodeState.REMOVED, 0, 0, 0, 0));
    assertThat(removed.members().subList(0, 3)).allSatisfy(m ->
        assertThat(m.partitions()).isEqualTo(m.target()).isEqualTo(16));
    assertThat(removed.epoch()).isEqualTo(drained.epoch() + 1);
  }
}
