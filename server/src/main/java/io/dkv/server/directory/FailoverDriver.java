package io.dkv.server.directory;

import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
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
 * Runs the {@link FailureDetector} on a voter: on every {@link #tick} while this voter leads the
 * directory, it submits the detector's commands, at most one in flight per command. The
 * directory's rules decide. A refused command (an eviction that would leave partitions below the
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
  private final Set<DirectoryCommand> inFlight = ConcurrentHashMap.newKeySet();
  /** The last refusal of each command: not submitted again at the same epoch, nor logged twice. */
  private final Map<DirectoryCommand, CommandResult.Rejected> refusals = new ConcurrentHashMap<>();
  private long leaderSinceNanos;
  private boolean leading;

  FailoverDriver(FailureDetector detector, Liveness liveness, Supplier<DirectoryState> state,
                 BooleanSupplier isLeader,
                 Function<DirectoryCommand, CompletableFuture<CommandResult>> submit) {
    this.detector = detector;
    this.liveness = liveness;
    this.state = state;
    this.isLeader = isLeader;
    this.submit = submit;
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
    for (DirectoryCommand command : detector.actions(now, liveness, leaderSinceNanos, nowNanos)) {
      CommandResult.Rejected refused = refusals.get(command);
      if ((refused == null || refused.epoch() != now.epoch()) && inFlight.add(command)) {
        submit.apply(command).whenComplete((result, failure) -> {
          inFlight.remove(command);
          report(command, result, failure);
        });
      }
    }
  }

  private void report(DirectoryCommand command, CommandResult result, Throwable failure) {
    if (failure != null) {
      log.debug("failover: {} was not confirmed: {}", command, failure.toString());
    } else if (result instanceof CommandResult.Accepted a) {
      refusals.remove(command);
      log.warn("failover: {} applied at directory epoch {}", describe(command), a.epoch());
    } else if (result instanceof CommandResult.Rejected r) {
      CommandResult.Rejected before = refusals.put(command, r);
      if (before == null || !before.reason().equals(r.reason())) {
        log.warn("failover: {} refused: {}", describe(command), r.reason());
      }
    }
  }

  private static String describe(DirectoryCommand command) {
    return switch (command) {
      case DirectoryCommand.MarkDown d -> "node " + d.nodeId() + " marked down (no heartbeat)";
      case DirectoryCommand.Evict e -> "node " + e.nodeId() + " evicted from its partitions";
      case DirectoryCommand.MarkUp u -> "node " + u.nodeId() + " marked up (heartbeats again)";
      default -> command.toString();
    };
  }
}
