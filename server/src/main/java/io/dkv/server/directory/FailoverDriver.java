package io.dkv.server.directory;

import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.MovePlanner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link FailureDetector} and the {@link MovePlanner} on a voter: on every {@link #tick}
 * while this voter leads the directory, it submits their commands, at most one in flight per
 * command (and one {@code StartMoves} at a time, since two planned from the same map would claim
 * the same partitions). The directory's rules decide. A refused command (an eviction that would leave partitions below the
 * minimum number of replicas) is logged once per reason and submitted again only after the
 * directory has changed, since only a change can make it acceptable.
 *
 * <p>{@link #tick} runs on one scheduler thread; results arrive on the directory's threads.
 */
final class FailoverDriver {
  private static final Logger log = LoggerFactory.getLogger(FailoverDriver.class);

  private final FailureDetector detector;
  private final Liveness liveness;
  private final Supplier<DirectoryState> state;
  private final BooleanSupplier isLeader;
  private final Function<DirectoryCommand, CompletableFuture<CommandResult>> submit;
  /** Moves to one node in progress at most (bounds what one node's failure holds up); 0: none. */
  private final int maxMovesPerNode;
  private final Set<DirectoryCommand> inFlight = ConcurrentHashMap.newKeySet();
  /** The last refusal of each command: not submitted again at the same epoch, nor logged twice. */
  private final Map<DirectoryCommand, CommandResult.Rejected> refusals = new ConcurrentHashMap<>();
  private long leaderSinceNanos;
  private boolean leading;

  FailoverDriver(FailureDetector detector, Liveness liveness, Supplier<DirectoryState> state,
                 BooleanSupplier isLeader,
                 Function<DirectoryCommand, CompletableFuture<CommandResult>> submit,
                 int maxMovesPerNode) {
    this.detector = detector;
    this.liveness = liveness;
    this.state = state;
    this.isLeader = isLeader;
    this.submit = submit;
    this.maxMovesPerNode = maxMovesPerNode;
  }

  void tick(long nowNanos) {
    boolean leaderNow = isLeader.getAsBoolean();
    if (leaderNow && !leading) {
      leaderSinceNanos = nowNanos;
    }
    leading = leaderNow;
    if (!leading) {
      return;
    }
    DirectoryState now = state.get();
    List<DirectoryCommand> commands = new ArrayList<>(
        detector.actions(now, liveness, leaderSinceNanos, nowNanos));
    if (maxMovesPerNode > 0) {
      commands.addAll(MovePlanner.plan(now, node -> liveness.of(node).viewEpoch(), maxMovesPerNode));
    }
    for (DirectoryCommand command : commands) {
      CommandResult.Rejected refused = refusals.get(command);
      boolean movesInFlight = command instanceof DirectoryCommand.StartMoves
          && inFlight.stream().anyMatch(c -> c instanceof DirectoryCommand.StartMoves);
      if ((refused == null || refused.epoch() != now.epoch()) && !movesInFlight
          && inFlight.add(command)) {
        submit.apply(command).whenComplete((result, failure) -> {
          inFlight.remove(command);
          report(command, result, failure);
        });
      }
    }
  }

  private void report(DirectoryCommand command, CommandResult result, Throwable failure) {
    String topic = isFailover(command) ? "failover" : "moves";
    if (failure != null) {
      log.debug("{}: {} was not confirmed: {}", topic, command, failure.toString());
    } else if (result instanceof CommandResult.Accepted a) {
      refusals.remove(command);
      log.warn("{}: {} applied at directory epoch {}", topic, describe(command), a.epoch());
    } else if (result instanceof CommandResult.Rejected r) {
      CommandResult.Rejected before = refusals.put(command, r);
      if (before == null || !before.reason().equals(r.reason())) {
        log.warn("{}: {} refused: {}", topic, describe(command), r.reason());
      }
    }
  }

  private static boolean isFailover(DirectoryCommand command) {
    return command instanceof DirectoryCommand.MarkDown || command instanceof DirectoryCommand.Evict
        || command instanceof DirectoryCommand.MarkUp;
  }

  private static String describe(DirectoryCommand command) {
    return switch (command) {
      case DirectoryCommand.MarkDown d -> "node " + d.nodeId() + " marked down (no heartbeat)";
      case DirectoryCommand.Evict e -> "node " + e.nodeId() + " evicted from its partitions";
      case DirectoryCommand.MarkUp u -> "node " + u.nodeId() + " marked up";
      case DirectoryCommand.StartMoves m -> m.moves().size() + " partition moves started "
          + m.moves().stream().limit(8).map(r -> r.partition() + ":" + (r.from() == null ? "+"
              : r.from() + "->") + r.to()).toList() + (m.moves().size() > 8 ? " ..." : "");
      case DirectoryCommand.Demote d -> "node " + d.nodeId() + " demoted in partition " + d.partition();
      case DirectoryCommand.Release r -> "node " + r.nodeId() + " released from partition " + r.partition();
      case DirectoryCommand.Remove r -> "node " + r.nodeId() + " removed (drained)";
      default -> command.toString();
    };
  }
}
