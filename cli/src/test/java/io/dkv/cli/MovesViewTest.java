package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.client.ClusterMember.State;
import io.dkv.client.MoveStatus;
import io.dkv.client.MoveStatus.MemberMoves;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The moves section of {@code dkv cluster status} and the line of {@code remove --wait}. */
class MovesViewTest {
  /** n4 joins three nodes (Q = 256, RF = 3): each founder goes from 256 to 192, n4 up to 192. */
  static final MoveStatus JOINING = new MoveStatus(40, 32, List.of(
      new MemberMoves("n1", State.UP, 232, 192, 0, 0),
      new MemberMoves("n2", State.UP, 224, 192, 0, 5),
      new MemberMoves("n3", State.UP, 228, 192, 0, 0),
      new MemberMoves("n4", State.JOINING, 84, 192, 32, 0)), "n2", 0, 0);

  /** n4 drains out of four nodes: each other node goes from 192 to 256; n4 answered. */
  static final MoveStatus LEAVING = new MoveStatus(90, 12, List.of(
      new MemberMoves("n1", State.UP, 240, 256, 4, 0),
      new MemberMoves("n2", State.UP, 244, 256, 4, 0),
      new MemberMoves("n3", State.UP, 244, 256, 4, 0),
      new MemberMoves("n4", State.LEAVING, 40, 0, 0, 2)), "n1", 5120, 140);

  static final MoveStatus AT_TARGET = new MoveStatus(95, 0, List.of(
      new MemberMoves("n1", State.UP, 256, 256, 0, 0),
      new MemberMoves("n4", State.REMOVED, 0, 0, 0, 0)), "n1", 0, 0);

  @Test
  void aJoiningNodesBarFillsTowardItsTargetAndTheOthersSayWhatTheyHandOver() {
    assertThat(MovesView.text(JOINING)).isEqualTo("""
        32 moves in progress (directory epoch 40)
        n1  up       [####################]  232/192 partitions (40 to hand over)
        n2  up       [####################]  224/192 partitions (32 to hand over, 5 being released)
        n3  up       [####################]  228/192 partitions (36 to hand over)
        n4  joining  [########------------]  84/192 partitions (+32 learning)""");
  }

  /**
   * n4 held 192 (768 places over four nodes) when the drain started: 152 handed over is 15 of
   * the 20 marks. The answering node's copy counters follow.
   */
  @Test
  void aLeavingNodesBarIsWhatItHandedOverOfItsShareAndSaysHowManyAreLeft() {
    assertThat(MovesView.text(LEAVING)).isEqualTo("""
        12 moves in progress (directory epoch 90)
        n1  up       [##################--]  240/256 partitions (+4 learning)
        n2  up       [###################-]  244/256 partitions (+4 learning)
        n3  up       [###################-]  244/256 partitions (+4 learning)
        n4  leaving  [###############-----]  40 left (2 being released)
        n1 (which answered) has copied 5120 keys and been promoted in 140 partitions since it started""");
    assertThat(MovesView.nodeLine(LEAVING, "n4"))
        .isEqualTo("n4 leaving [###############-----] 40 left (2 being released), 12 moves in progress");
    assertThat(MovesView.nodeLine(LEAVING, "n9")).isEqualTo("n9 is not a member in this view (directory epoch 90)");
  }

  @Test
  void aMapAtItsTargetIsOneLine() {
    assertThat(MovesView.text(AT_TARGET))
        .isEqualTo("partition map at its target (directory epoch 95): nothing is moving");
    assertThat(MovesView.nodeLine(AT_TARGET, "n4")).isEqualTo("n4 is removed in this view (directory epoch 95)");
  }

  @Test
  void aJoiningNodeAtItsTargetIsShownUntilItIsUpAndOneMoveIsSingular() {
    MoveStatus waiting = new MoveStatus(7, 1, List.of(
        new MemberMoves("n1", State.UP, 8, 8, 0, 0),
        new MemberMoves("n2", State.JOINING, 8, 8, 0, 0)), "n1", 0, 0);
    assertThat(MovesView.text(waiting)).isEqualTo("""
        1 move in progress (directory epoch 7)
        n2  joining  [####################]  8/8 partitions""");
  }

  @Test
  void theBarIsFilledInProportionAndFullWhenThereIsNothingToDo() {
    assertThat(MovesView.bar(5, 10)).isEqualTo("[##########----------]");
    assertThat(MovesView.bar(0, 10)).isEqualTo("[--------------------]");
    assertThat(MovesView.bar(12, 10)).isEqualTo("[####################]");
    assertThat(MovesView.bar(0, 0)).isEqualTo("[####################]");
  }

  @Test
  void theJsonHasEveryMembersNumbers() {
    MoveStatus small = new MoveStatus(9, 1, List.of(
        new MemberMoves("n1", State.UP, 7, 4, 0, 1),
        new MemberMoves("n2", State.JOINING, 1, 4, 3, 0)), "n2", 30, 1);
    assertThat(Json.of(MovesView.fields(small))).isEqualTo("{\"epoch\":9,\"inProgress\":1,"
        + "\"atTarget\":false,\"members\":["
        + "{\"node\":\"n1\",\"state\":\"up\",\"partitions\":7,\"target\":4,\"learning\":0,\"leaving\":1},"
        + "{\"node\":\"n2\",\"state\":\"joining\",\"partitions\":1,\"target\":4,\"learning\":3,\"leaving\":0}],"
        + "\"answeredBy\":\"n2\",\"keysCopied\":30,\"partitionsPromoted\":1}");
    assertThat(MovesView.fields(AT_TARGET)).containsEntry("atTarget", true);
  }
}
