package io.dkv.core.directory;

import static io.dkv.core.directory.NodeState.DOWN;
import static io.dkv.core.directory.NodeState.JOINING;
import static io.dkv.core.directory.NodeState.LEAVING;
import static io.dkv.core.directory.NodeState.REMOVED;
import static io.dkv.core.directory.NodeState.UP;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.directory.DirectoryCommand.CreateNamespace;
import io.dkv.core.directory.DirectoryCommand.DropNamespace;
import io.dkv.core.directory.DirectoryCommand.Evict;
import io.dkv.core.directory.DirectoryCommand.Initialize;
import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryCommand.Leave;
import io.dkv.core.directory.DirectoryCommand.MarkDown;
import io.dkv.core.directory.DirectoryCommand.MarkUp;
import io.dkv.core.directory.DirectoryCommand.Demote;
import io.dkv.core.directory.DirectoryCommand.Promote;
import io.dkv.core.directory.DirectoryCommand.Release;
import io.dkv.core.directory.DirectoryCommand.Remove;
import io.dkv.core.directory.DirectoryCommand.StartMoves;
import java.util.Set;

/**
 * A naive table of the member moves in {@link NodeState}'s diagram, written out again rather than
 * taken from {@link CommandRules}, for the property tests to hold accepted commands against.
 */
final class MembershipModel {
  private MembershipModel() {}

  /** A membership command's node, the states it may start from, and the state it leaves. */
  private record Move(String nodeId, Set<NodeState> from, NodeState to) {}

  /**
   * Checks an accepted command: its node was in a state the command is allowed from (unknown
   * counts as removed, for Join) and is now in the command's target state, every other member is
   * unchanged, and a removed node held no replica. Initialize makes every member up; namespace
   * commands change no member.
   */
  static void assertMove(DirectoryState before, DirectoryState after, DirectoryCommand c) {
    Move move = switch (c) {
      case Join j -> new Move(j.nodeId(), Set.of(REMOVED), JOINING);
      case MarkUp u -> new Move(u.nodeId(), Set.of(JOINING, DOWN),
          draining(before, u.nodeId()) ? LEAVING : UP);
      case MarkDown d -> new Move(d.nodeId(), Set.of(JOINING, UP, LEAVING), DOWN);
      case Evict e -> new Move(e.nodeId(), Set.of(DOWN), DOWN);
      case Leave l -> new Move(l.nodeId(), Set.of(JOINING, UP, DOWN), LEAVING);
      case Remove r -> new Move(r.nodeId(), Set.of(LEAVING, DOWN), REMOVED);
      case Initialize i -> null;
      case CreateNamespace n -> null;
      case DropNamespace n -> null;
      case StartMoves m -> null;
      case Promote p -> null;
      case Demote d -> null;
      case Release r -> null;
    };
    if (c instanceof Initialize) {
      assertThat(after.members()).extracting(Member::state).containsOnly(UP);
      return;
    }
    if (move == null) {
      assertThat(after.members()).as("members after %s", c).isEqualTo(before.members());
      return;
    }
    NodeState from = before.member(move.nodeId()).map(Member::state).orElse(REMOVED);
    assertThat(move.from()).as("%s accepted from %s", c, from).contains(from);
    assertThat(after.member(move.nodeId()).orElseThrow().state()).as("state after %s", c)
        .isEqualTo(move.to());
    for (Member m : before.members()) {
      if (!m.nodeId().equals(move.nodeId())) {
        assertThat(after.member(m.nodeId())).as("%s after %s", m.nodeId(), c).contains(m);
      }
    }
    if (c instanceof Remove) {
      assertThat(before.map().involves(move.nodeId())).as("roles of %s", move.nodeId()).isFalse();
    }
    // Draining starts with Leave and lasts until Remove, whatever comes between.
    boolean drainingAfter = c instanceof Leave || (!(c instanceof Join) && !(c instanceof Remove)
        && draining(before, move.nodeId()));
    assertThat(after.member(move.nodeId()).orElseThrow().draining()).as("draining after %s", c)
        .isEqualTo(drainingAfter);
  }

  private static boolean draining(DirectoryState s, String nodeId) {
    return s.member(nodeId).map(Member::draining).orElse(false);
  }
}
