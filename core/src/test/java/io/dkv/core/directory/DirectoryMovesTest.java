package io.dkv.core.directory;

import static io.dkv.core.directory.DirectoryStateTest.applyAll;
import static io.dkv.core.directory.DirectoryStateTest.rejection;
import static io.dkv.core.directory.DirectoryStateTest.threeUp;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.directory.DirectoryCommand.Demote;
import io.dkv.core.directory.DirectoryCommand.Evict;
import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryCommand.Leave;
import io.dkv.core.directory.DirectoryCommand.MarkDown;
import io.dkv.core.directory.DirectoryCommand.MoveRequest;
import io.dkv.core.directory.DirectoryCommand.Promote;
import io.dkv.core.directory.DirectoryCommand.Release;
import io.dkv.core.directory.DirectoryCommand.Remove;
import io.dkv.core.directory.DirectoryCommand.StartMoves;
import io.dkv.core.placement.PartitionMove;
import io.dkv.core.placement.ReplicaSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Moving partitions: a learner takes part in writes from {@code StartMoves} on, becomes a replica
 * only by a {@code Promote} of the same attempt, and the replica it replaces leaves (still taking
 * part in writes) until {@code Release}.
 */
class DirectoryMovesTest {

  /** n1..n3 up with Q = 16, RF = 3 (every partition on all three), and n4 joined. */
  private static DirectoryState withJoiner() {
    return applyAll(threeUp(), new Join("n4", "10.0.0.4:7401"));
  }

  @Test
  void aLearnerTakesPartInWritesAndIsPromotedInThePlaceOfTheReplicaItReplaces() {
    DirectoryState s = withJoiner();
    List<String> before = s.map().replicas(5);
    String replaced = before.get(1);
    DirectoryState moving = applyAll(s, new StartMoves(List.of(new MoveRequest(5, "n4", replaced))));
    long since = moving.epoch();
    assertThat(moving.map().set(5).move()).isEqualTo(new PartitionMove("n4", replaced, since));
    assertThat(moving.map().replicas(5)).isEqualTo(before);
    assertThat(moving.map().participants(5)).containsExactlyElementsOf(
        concat(before, List.of("n4")));
    assertThat(moving.map().partitionEpoch(5)).isEqualTo(since);
    assertThat(moving.map().partitionEpoch(4)).isEqualTo(s.map().partitionEpoch(4));

    DirectoryState promoted = applyAll(moving, new Promote(5, "n4", since));
    ReplicaSet set = promoted.map().set(5);
    assertThat(set.replicas().get(1)).isEqualTo("n4");
    assertThat(set.replicas()).hasSize(3).doesNotContain(replaced);
    assertThat(set.move()).isNull();
    assertThat(set.leaving()).containsExactly(replaced);
    assertThat(set.participants()).contains(replaced, "n4");
    assertThat(promoted.map().partitionEpoch(5)).isEqualTo(promoted.epoch());

    DirectoryState released = applyAll(promoted, new Release(5, replaced));
    assertThat(released.map().set(5)).isEqualTo(ReplicaSet.of(set.replicas()));
    assertThat(rejection(released, new Release(5, replaced))).startsWith("cannot release '"
        + replaced + "' from partition 5: it is not leaving it");
  }

  @Test
  void aPromotionMustNameTheAttemptItFinished() {
    DirectoryState s = applyAll(withJoiner(), new StartMoves(List.of(new MoveRequest(0, "n4", "n1"))));
    long since = s.epoch();
    assertThat(rejection(s, new Promote(0, "n4", since - 1))).isEqualTo("cannot promote 'n4' in"
        + " partition 0: it has no move to 'n4' since epoch " + (since - 1) + " (in progress: n1->n4@"
        + since + "); a learner that was dropped and added again starts over");
    assertThat(rejection(s, new Promote(1, "n4", since))).contains("(no move in progress)");
    assertThat(rejection(s, new Promote(0, "n3", since))).startsWith("cannot promote 'n3'");
  }

  @Test
  void startMovesIsAllOrNothing() {
    DirectoryState s = withJoiner();
    String reason = rejection(s, new StartMoves(List.of(new MoveRequest(0, "n4", "n1"),
        new MoveRequest(1, "n4", null))));
    assertThat(reason).isEqualTo("cannot move partition 1 to 'n4': the partition has its 3"
        + " replicas " + s.map().replicas(1) + "; name the replica to replace");
    assertThat(rejection(s, new StartMoves(List.of(new MoveRequest(0, "n4", "n1"),
        new MoveRequest(0, "n4", "n2"))))).endsWith("the command moves it twice; one move per"
        + " partition at a time");
    assertThat(rejection(s, new StartMoves(List.of(new MoveRequest(16, "n4", "n1")))))
        .endsWith("no such partition; partitions are 0..15");
    assertThat(rejection(s, new StartMoves(List.of(new MoveRequest(0, "n2", "n1")))))
        .contains("it already has a role in the partition");
    assertThat(rejection(s, new StartMoves(List.of(new MoveRequest(0, "n4", "n9")))))
        .endsWith("'n9' is not a replica of it " + s.map().replicas(0));
    assertThat(rejection(s, new StartMoves(List.of()))).isEqualTo("start moves: no move given");
    DirectoryState down = applyAll(s, new MarkDown("n4"));
    assertThat(rejection(down, new StartMoves(List.of(new MoveRequest(0, "n4", "n1")))))
        .endsWith("the learner must be a joining or up member; it is down");
    DirectoryState moving = applyAll(s, new StartMoves(List.of(new MoveRequest(0, "n4", "n1"))));
    assertThat(rejection(moving, new StartMoves(List.of(new MoveRequest(0, "n4", "n2")))))
        .contains("move n1->n4@" + moving.epoch() + " is still in progress");
  }

  /**
   * Evicting a down learner ends its move; evicting the replica a move replaces turns the move
   * into filling the place it left; a down leaving node stops taking part in writes.
   */
  @Test
  void evictionEndsMovesAndLeavingOfTheDownNode() {
    DirectoryState s = applyAll(withJoiner(), new Join("n5", "10.0.0.5:7401"),
        new StartMoves(List.of(new MoveRequest(0, "n4", "n1"), new MoveRequest(1, "n5", "n2"),
            new MoveRequest(2, "n5", "n3"))));
    long since = s.epoch();
    s = applyAll(s, new Promote(1, "n5", since), new MarkDown("n4"), new Evict("n4", 2));
    assertThat(s.map().set(0).move()).isNull();
    assertThat(s.map().partitionEpoch(0)).isEqualTo(s.epoch());
    assertThat(s.map().involves("n4")).isFalse();

    s = applyAll(s, new MarkDown("n3"), new Evict("n3", 2));
    assertThat(s.map().set(2).move()).isEqualTo(new PartitionMove("n5", null, since));
    assertThat(s.map().replicas(2)).hasSize(2).doesNotContain("n3");
    s = applyAll(s, new Promote(2, "n5", since));
    assertThat(s.map().replicas(2)).hasSize(3).endsWith("n5");
    assertThat(s.map().set(2).leaving()).isEmpty();

    assertThat(s.map().set(1).leaving()).containsExactly("n2");
    s = applyAll(s, new MarkDown("n2"), new Evict("n2", 2));
    assertThat(s.map().set(1).leaving()).isEmpty();
  }

  /** A draining node with no node to take its place leaves a partition by a demotion. */
  @Test
  void onlyALeavingOrDownReplicaIsDemotedAndNeverTheLastOne() {
    DirectoryState s = threeUp();
    assertThat(rejection(s, new Demote(0, "n1"))).isEqualTo("cannot demote 'n1' in partition 0:"
        + " only a leaving or down node is demoted without a replacement; it is up");
    DirectoryState leaving = applyAll(s, new Leave("n1"));
    DirectoryState demoted = applyAll(leaving, new Demote(0, "n1"));
    assertThat(demoted.map().replicas(0)).hasSize(2).doesNotContain("n1");
    assertThat(demoted.map().set(0).leaving()).containsExactly("n1");
    assertThat(rejection(demoted, new Demote(0, "n1"))).endsWith("it is not a replica "
        + demoted.map().replicas(0));
    assertThat(rejection(demoted, new Remove("n1"))).startsWith("cannot remove node 'n1': it"
        + " still holds replicas of 15 partitions");

    DirectoryState one = applyAll(DirectoryState.initial(1, 1), new DirectoryCommand.Initialize(
        List.of(new Join("a", "h:1")), 1, 1), new Leave("a"));
    assertThat(rejection(one, new Demote(0, "a"))).endsWith("it is the last replica");
  }

  @Test
  void aNodeIsRemovedOnlyOnceItHasNoRoleLeft() {
    DirectoryState s = applyAll(withJoiner(),
        new StartMoves(List.of(new MoveRequest(3, "n4", "n2"))), new Leave("n4"));
    assertThat(rejection(s, new Remove("n4"))).isEqualTo("cannot remove node 'n4': it is still a"
        + " learner or leaving node of a partition; wait until its moves end");
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
  }
}
