package io.dkv.server.directory;

import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.Member;
import io.dkv.core.directory.NodeState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What the directory's leader should change about failed and returning nodes, from the heartbeats
 * its voter applied ({@code docs/directory.md} §8). Pure: the caller supplies the clock and
 * submits the commands. Three rules, per member:
 * <ol>
 *   <li>{@code MarkDown}: a joining, up or leaving member silent for longer than down-after,
 *       counted from the later of its last heartbeat and the moment this voter became leader
 *       (while there was no leader no heartbeat could be committed, so every node would look
 *       silent to a new one). It only changes the member's state: from then on its heartbeats
 *       grant no lease.
 *   <li>{@code Evict}: a down member with a role in a partition (replica, learner or leaving),
 *       once down-after has passed since its last lease-granting heartbeat. Down-after exceeds the lease, so any lease the node holds
 *       has expired: the partitions may commit without it. Marking down first and evicting in a
 *       second command is what makes this safe: a heartbeat still in flight when the node was
 *       suspected is applied before {@code MarkDown} (and counted here) or after it (and grants
 *       nothing).
 *   <li>{@code MarkUp}: a down member heard again within down-after. It never missed a write of a
 *       partition it still holds (those needed its vote), so it may serve them again at once.
 * </ol>
 * The leader never marks its own node down: it is running, and if its heartbeats are not getting
 * through, the fault is on the way to the leader, not in the node. A leader cut off from the
 * others marked every node down at once, itself first, and evicting itself left the partitions
 * with the very node the fault suite had isolated (docs/reliability.md §1).
 */
final class FailureDetector {
  private final FailureDetection settings;
  /** The node this voter runs on, the one that leads while the detector acts. */
  private final String selfId;

  FailureDetector(FailureDetection settings, String selfId) {
    this.settings = settings;
    this.selfId = selfId;
  }

  List<DirectoryCommand> actions(DirectoryState state, Liveness liveness, long leaderSinceNanos,
                                 long nowNanos) {
    long downAfterNanos = TimeUnit.MILLISECONDS.toNanos(settings.downAfterMillis());
    List<DirectoryCommand> actions = new ArrayList<>();
    for (Member m : state.members()) {
      Liveness.Heard heard = liveness.of(m.nodeId());
      boolean heardRecently = nowNanos - heard.lastNanos() <= downAfterNanos;
      if (m.state() == NodeState.DOWN) {
        if (heardRecently && heard.lastNanos() > heard.lastGrantedNanos()) {
          actions.add(new DirectoryCommand.MarkUp(m.nodeId()));
        } else if (state.map().involves(m.nodeId())
            && nowNanos - heard.lastGrantedNanos() > downAfterNanos) {
          actions.add(new DirectoryCommand.Evict(m.nodeId(), settings.minReplicas()));
        }
      } else if (m.state() != NodeState.REMOVED && !m.nodeId().equals(selfId)
          && nowNanos - Math.max(heard.lastNanos(), leaderSinceNanos) > downAfterNanos) {
        actions.add(new DirectoryCommand.MarkDown(m.nodeId()));
      }
    }
    return actions;
  }
}
