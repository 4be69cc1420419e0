package io.dkv.core.sim;

import io.dkv.core.directory.DirectoryCommand.MoveRequest;
import io.dkv.core.directory.DirectoryCommand.Promote;
import io.dkv.core.directory.DirectoryCommand.Release;
import io.dkv.core.directory.DirectoryCommand.StartMoves;
import io.dkv.core.placement.ReplicaSet;
import java.util.List;
import java.util.Random;

/**
 * The directory's side of moving a key's partition (docs/directory.md §9), from a random stream of
 * its own:
 * <ul>
 *   <li>every 50-400 ms it starts a move of a random key without one ({@code StartMoves}) to a
 *       random node the directory counts as up that has no role in the key: three times in four
 *       into a free place of a short list (one an eviction shrank, or one that started short), else
 *       in the place of a random replica;
 *   <li>a learner that has copied the key ({@link SimCopier}) asks for its promotion, which reaches
 *       the directory after up to two message delays ({@code Promote}; refused if the move ended or
 *       started over meanwhile);
 *   <li>every 10-100 ms it releases every leaving node that the directory hears and whose view has
 *       the key's current epoch ({@code Release}): it has seen that it no longer serves the key's
 *       reads. A leaving node that goes down is evicted instead.
 * </ul>
 */
final class SimMoves {
  private final Simulation sim;
  private final Random rnd;

  SimMoves(Simulation sim) {
    this.sim = sim;
    this.rnd = new Random(sim.seed * 1_000_003 + 29);
  }

  void start() {
    scheduleMoveStart();
    scheduleReleases();
  }

  /** The learner {@code learner} has copied {@code key} for the move that started at {@code since}. */
  void onCopied(SimNode learner, String key, long since) {
    sim.schedule(sim.now + 1 + rnd.nextInt(2 * (int) sim.cfg.maxDelayMillis()), () -> {
      if (sim.faulty && !sim.directory.hasLeader()) {
        onCopied(learner, key, since); // not committed: the learner asks again
        return;
      }
      if (sim.faulty && sim.directory.apply(new Promote(sim.directory.partition(key), learner.id, since), rnd)) {
        sim.stats.promotions++;
        sim.invariants.onPromoted(key, learner);
      }
    });
  }

  private void scheduleMoveStart() {
    sim.schedule(sim.now + 50 + rnd.nextInt(350), () -> {
      if (!sim.faulty) {
        return;
      }
      startMove();
      scheduleMoveStart();
    });
  }

  private void startMove() {
    if (!sim.directory.hasLeader()) {
      return; // the leader plans moves
    }
    List<String> keys = sim.directory.keys();
    String key = keys.get(rnd.nextInt(keys.size()));
    ReplicaSet set = sim.directory.currentSet(key);
    // The directory counts a node with a lease as up; a learner must be up (or joining).
    List<SimNode> candidates = sim.nodes.stream().filter(n -> n.hasLease && !set.involves(n.id)).toList();
    if (set.move() != null || candidates.isEmpty()) {
      return;
    }
    SimNode to = candidates.get(rnd.nextInt(candidates.size()));
    boolean freePlace = set.replicas().size() < Math.min(SimDirectory.REPLICATION_FACTOR, sim.nodes.size());
    String from = freePlace && rnd.nextInt(4) > 0 ? null : set.replicas().get(rnd.nextInt(set.replicas().size()));
    MoveRequest move = new MoveRequest(sim.directory.partition(key), to.id, from);
    if (!sim.directory.apply(new StartMoves(List.of(move)), rnd)) {
      throw new AssertionError("the directory refused a valid move " + move + " of " + set);
    }
    sim.stats.movesStarted++;
  }

  private void scheduleReleases() {
    sim.schedule(sim.now + 10 + rnd.nextInt(90), () -> {
      if (!sim.faulty) {
        return;
      }
      for (String key : sim.directory.keys()) {
        for (String id : sim.directory.currentSet(key).leaving()) {
          SimNode n = sim.node(id);
          if (sim.directory.hears(n) && n.knownEpoch >= sim.directory.currentKeyEpoch(key)
              && sim.directory.apply(new Release(sim.directory.partition(key), id), rnd)) {
            sim.stats.releases++;
          }
        }
      }
      scheduleReleases();
    });
  }
}
