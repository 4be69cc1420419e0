package io.dkv.cli;

import static io.dkv.cli.DirectoryView.lower;

import io.dkv.client.ClusterMember.State;
import io.dkv.client.MoveStatus;
import io.dkv.client.MoveStatus.MemberMoves;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How the partition moves are shown: per member a text progress bar toward its target, for
 * {@code dkv cluster status} and the live display of {@code --watch} and {@code --wait}; fields
 * for {@code --json}.
 *
 * <p>A joining or up member's bar is its partitions against its target (full once it holds at
 * least its target). A leaving member's target is none, so its bar is what it has handed over
 * against its share as a member, which the directory does not keep: it is estimated as the
 * replica places over the members that hold or are handing over partitions, which is what each
 * held when the map was balanced.
 */
final class MovesView {
  static final int BAR_WIDTH = 20;

  private MovesView() {}

  /** The moves section: one line when the map is at its target, else a line per member that is not. */
  static String text(MoveStatus m) {
    if (m.atTarget()) {
      return "partition map at its target (directory epoch " + m.epoch() + "): nothing is moving";
    }
    int share = leavingShare(m);
    TextTable table = TextTable.withoutHeader(4);
    for (MemberMoves member : m.members()) {
      if (shown(member)) {
        table.row(member.nodeId(), lower(member.state()), bar(member, share), detail(member));
      }
    }
    String copied = m.keysCopied() == 0 && m.partitionsPromoted() == 0 ? ""
        : "\n" + m.answeredBy() + " (which answered) has copied " + m.keysCopied() + " keys and been"
            + " promoted in " + m.partitionsPromoted() + " partitions since it started";
    return movesInProgress(m) + " (directory epoch " + m.epoch() + ")\n" + table + copied;
  }

  /** One line on {@code node}'s part, for {@code dkv cluster remove --wait}. */
  static String nodeLine(MoveStatus m, String node) {
    MemberMoves member = m.member(node).orElse(null);
    if (member == null || member.state() == State.REMOVED) {
      return node + (member == null ? " is not a member" : " is removed") + " in this view"
          + " (directory epoch " + m.epoch() + ")";
    }
    return node + " " + lower(member.state()) + " " + bar(member, leavingShare(m)) + " "
        + detail(member) + ", " + movesInProgress(m);
  }

  static Map<String, Object> fields(MoveStatus m) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("epoch", m.epoch());
    r.put("inProgress", m.movesInProgress());
    r.put("atTarget", m.atTarget());
    r.put("members", m.members().stream().map(member -> DataCommand.fields("node", member.nodeId(),
        "state", lower(member.state()), "partitions", member.partitions(), "target", member.target(),
        "learning", member.learning(), "leaving", member.leaving())).toList());
    r.put("answeredBy", m.answeredBy());
    r.put("keysCopied", m.keysCopied());
    r.put("partitionsPromoted", m.partitionsPromoted());
    return r;
  }

  /** {@code [#####---]}: {@code done} of {@code total} filled, full when there is nothing to do. */
  static String bar(int done, int total) {
    int filled = total <= 0 ? BAR_WIDTH : (int) Math.clamp((long) done * BAR_WIDTH / total, 0, BAR_WIDTH);
    return "[" + "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled) + "]";
  }

  private static String bar(MemberMoves m, int share) {
    if (m.state() == State.LEAVING) {
      int scale = Math.max(share, m.partitions());
      return bar(scale - m.partitions(), scale);
    }
    return bar(Math.min(m.partitions(), m.target()), m.target());
  }

  private static String detail(MemberMoves m) {
    String count = m.state() == State.LEAVING ? m.partitions() + " left"
        : m.partitions() + "/" + m.target() + " partitions";
    List<String> notes = new ArrayList<>();
    if (m.learning() > 0) {
      notes.add("+" + m.learning() + " learning");
    }
    if (m.state() != State.LEAVING && m.partitions() > m.target()) {
      notes.add((m.partitions() - m.target()) + " to hand over");
    }
    if (m.leaving() > 0) {
      notes.add(m.leaving() + " being released");
    }
    return notes.isEmpty() ? count : count + " (" + String.join(", ", notes) + ")";
  }

  /** Members off their target, and joining and leaving ones until their state changes. */
  private static boolean shown(MemberMoves m) {
    return m.state() != State.REMOVED
        && (!m.atTarget() || m.state() == State.JOINING || m.state() == State.LEAVING);
  }

  /** What a member held when the map was balanced: the replica places over everyone in them. */
  private static int leavingShare(MoveStatus m) {
    long places = 0;
    int members = 0;
    for (MemberMoves member : m.members()) {
      places += member.target();
      if (member.target() > 0 || member.state() == State.LEAVING) {
        members++;
      }
    }
    return members == 0 ? 0 : (int) ((places + members - 1) / members);
  }

  private static String movesInProgress(MoveStatus m) {
    return m.movesInProgress() + (m.movesInProgress() == 1 ? " move" : " moves") + " in progress";
  }
}
