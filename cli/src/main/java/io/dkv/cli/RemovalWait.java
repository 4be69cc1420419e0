package io.dkv.cli;

import io.dkv.client.ClusterMember.State;
import io.dkv.client.DkvTimeoutException;
import io.dkv.client.InvalidRequestException;
import io.dkv.client.MoveStatus;
import io.dkv.client.MoveStatus.MemberMoves;
import java.util.concurrent.TimeUnit;

/**
 * {@code dkv cluster remove NODE --wait}: after the directory made the node leaving at
 * {@code leaveEpoch}, shows its drain until a view at least that new has it neither leaving nor
 * down. A draining node stays draining while it is down (docs/directory.md §2): the directory
 * evicts it and removes it once it holds nothing, or it leaves again when it is back. Removed (or
 * gone) is success; up or joining means it was removed and has joined again since.
 */
final class RemovalWait {
  static final int DEFAULT_TIMEOUT_SECONDS = 600;

  private final String node;
  private final long leaveEpoch;
  private final LiveDisplay display;
  private final MoveWatch watch;

  RemovalWait(String node, long leaveEpoch, LiveDisplay display, MoveWatch watch) {
    this.node = node;
    this.leaveEpoch = leaveEpoch;
    this.display = display;
    this.watch = watch;
  }

  /**
   * Waits up to {@code timeoutNanos}; the result of a removal, or a {@link DkvTimeoutException}
   * (exit 3) at the deadline, or an {@link InvalidRequestException} (exit 1) when the drain ended
   * another way.
   */
  DirectoryCommand.Result await(long timeoutNanos) {
    MoveWatch.Outcome outcome = watch.until(this::drainEnded, s -> MovesView.nodeLine(s, node),
        timeoutNanos);
    display.end();
    if (!outcome.reached()) {
      String where = outcome.last() == null ? "no node answered: " + outcome.lastFailure()
          : MovesView.nodeLine(outcome.last(), node);
      throw new DkvTimeoutException("node " + node + " is not removed after "
          + TimeUnit.NANOSECONDS.toSeconds(timeoutNanos) + " s (" + where + "); the removal goes"
          + " on: watch it with dkv cluster status --watch", null);
    }
    MoveStatus last = outcome.last();
    State state = last.member(node).map(MemberMoves::state).orElse(State.REMOVED);
    if (state != State.REMOVED) {
      throw new InvalidRequestException("node " + node + " is " + DirectoryView.lower(state)
          + " at directory epoch " + last.epoch() + ": it was removed and has joined again since;"
          + " remove it again with dkv cluster remove " + node);
    }
    return new DirectoryCommand.Result(
        DataCommand.fields("node", node, "state", "removed", "epoch", last.epoch()),
        "node " + node + " is removed (directory epoch " + last.epoch() + "): it holds no"
            + " partition, and its process can be stopped");
  }

  /** A view that has the leave, in which the node is neither leaving nor down (still draining). */
  private boolean drainEnded(MoveStatus s) {
    return s.epoch() >= leaveEpoch && s.member(node)
        .map(m -> m.state() != State.LEAVING && m.state() != State.DOWN).orElse(true);
  }
}
