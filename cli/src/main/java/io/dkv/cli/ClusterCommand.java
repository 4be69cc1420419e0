package io.dkv.cli;

import io.dkv.client.ClusterStatus;
import io.dkv.client.DkvClient;
import io.dkv.client.DkvException;
import io.dkv.client.MoveStatus;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dkv cluster}: the cluster's directory. Only a parent for its subcommands. */
@Command(name = "cluster", description = "The cluster's directory: members, placement, namespaces.",
    synopsisSubcommandLabel = "COMMAND", subcommands = {ClusterCommand.Status.class, ClusterCommand.Remove.class})
final class ClusterCommand {

  @Command(name = "status", description = "Show the directory as one node knows it: epoch, leader,"
      + " Q and RF, every member (address, state, partitions, voter), the partition moves in"
      + " progress (a progress bar per member off its target) and every namespace.")
  static final class Status extends DirectoryCommand {
    @Option(names = "--watch", description = "First redraw the moves every second (on standard"
        + " error) until nothing is moving, then show the status. Ctrl-C stops watching.")
    boolean watch;

    @Override
    Result run(DkvClient dkv) {
      if (watch) {
        LiveDisplay display = liveDisplay();
        MoveWatch.Outcome done = new MoveWatch(dkv::moveStatus, display, MoveWatch.SYSTEM)
            .until(MoveStatus::atTarget, MovesView::text, Long.MAX_VALUE);
        display.clear();
        return status(dkv.clusterStatus(), done.last(), null);
      }
      ClusterStatus s = dkv.clusterStatus();
      try {
        return status(s, dkv.moveStatus(), null);
      } catch (DkvException e) {
        // The status itself was answered; a node older than MOVE_STATUS, say, need not hide it.
        return status(s, null, ExitCodes.message(e));
      }
    }

    /** {@code moves} null when they could not be had, for {@code movesError}. */
    private static Result status(ClusterStatus s, MoveStatus moves, String movesError) {
      Map<String, Object> json = DirectoryView.statusFields(s);
      json.put("moves", moves == null ? null : MovesView.fields(moves));
      if (moves == null) {
        json.put("movesError", movesError);
      }
      String section = moves == null ? "moves: unknown (" + movesError + ")" : MovesView.text(moves);
      return new Result(json, DirectoryView.statusText(s, section));
    }
  }

  @Command(name = "remove", description = "Remove a node: it becomes leaving, its partitions move to"
      + " other nodes, and the directory removes it once it holds none. Exit code 1 when the"
      + " directory refuses (unknown node, already leaving or removed, a directory voter) or, with"
      + " --wait, when the node was removed and joined again; 3 when --wait times out.")
  static final class Remove extends DirectoryCommand {
    @Parameters(index = "0", paramLabel = "NODE", description = "The id of the node to remove.")
    String node;

    @Option(names = "--wait", description = "Then show the drain's progress (on standard error)"
        + " until the node is removed. Ctrl-C stops watching; the removal goes on.")
    boolean waitForRemoval;

    @Option(names = "--wait-timeout", paramLabel = "SECONDS", description = "With --wait: exit with"
        + " 3 if the node is not removed within this many seconds, 1..86400 (default "
        + RemovalWait.DEFAULT_TIMEOUT_SECONDS + ").")
    Integer waitTimeoutSeconds;

    @Override
    Result run(DkvClient dkv) {
      long timeoutNanos = waitTimeoutNanos();
      long epoch = dkv.removeNode(node);
      if (!waitForRemoval) {
        return new Result(DataCommand.fields("node", node, "state", "leaving", "epoch", epoch),
            "node " + node + " is leaving (directory epoch " + epoch + "): its partitions move to"
                + " other nodes, and it is removed once it holds none. Watch the progress with:"
                + " dkv cluster status --watch");
      }
      LiveDisplay display = liveDisplay();
      return new RemovalWait(node, epoch, display, new MoveWatch(dkv::moveStatus, display,
          MoveWatch.SYSTEM)).await(timeoutNanos);
    }

    /** Checked before anything is asked of the cluster: a bad option must not start a removal. */
    private long waitTimeoutNanos() {
      if (waitTimeoutSeconds == null) {
        return TimeUnit.SECONDS.toNanos(RemovalWait.DEFAULT_TIMEOUT_SECONDS);
      }
      if (!waitForRemoval) {
        throw new IllegalArgumentException("--wait-timeout only applies with --wait");
      }
      if (waitTimeoutSeconds < 1 || waitTimeoutSeconds > 86_400) {
        throw new IllegalArgumentException("--wait-timeout must be 1..86400 seconds, got "
            + waitTimeoutSeconds);
      }
      return TimeUnit.SECONDS.toNanos(waitTimeoutSeconds);
    }
  }
}
