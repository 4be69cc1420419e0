package io.dkv.core.eventual;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Anti-entropy and tombstone purge in a simulation run. During the faults, now and then a random
 * node repairs a random partition it replicates with another replica, and runs a purge round for
 * one; the sessions meet lost messages, crashes and concurrent writes. After healing: purge
 * rounds on every node (so that a purge that skipped a check would meet a replica still holding an
 * old value), a repair round (every replica of every partition with every other, one session at a
 * time), purge rounds again, then quiet.
 */
final class SimRepairs {
  /** Repair handles live far above the clients' (which count from 1). */
  private static final long FIRST_HANDLE = 1L << 40;
  private static final long ROUND_MILLIS = 200;

  /** A purge round for one partition, as an item of a node's inbox. */
  record PurgeRound(int partition) {}

  private record Session(String node, int partition, String peer) {}

  private final EventualSim sim;
  private long nextHandle = FIRST_HANDLE;
  /** The repair round's sessions not yet started, per partition; each partition runs one at a time. */
  private final Map<Integer, ArrayDeque<Session>> roundQueues = new HashMap<>();
  /** The repair round's session under way, by handle. */
  private final Map<Long, Integer> roundRunning = new HashMap<>();

  SimRepairs(EventualSim sim) {
    this.sim = sim;
  }

  /** The sim's placement: key "k<i>" is in partition i mod the node count, replicated by N nodes from it on. */
  KeyPartitioner partitioner() {
    return (namespace, key) -> Integer.parseInt(key.toUtf8().substring(1)) % sim.procs.size();
  }

  List<String> replicasOfPartition(int partition) {
    return sim.replicasOf(partition);
  }

  /** Random sessions and purge rounds while the faults go on. */
  void startDuringFaults() {
    sim.schedule(sim.now + 50 + sim.rnd.nextInt(300), () -> {
      if (!sim.faulty) {
        return;
      }
      int partition = sim.rnd.nextInt(sim.procs.size());
      List<String> replicas = replicasOfPartition(partition);
      String node = replicas.get(sim.rnd.nextInt(replicas.size()));
      if (sim.rnd.nextBoolean()) {
        List<String> others = new ArrayList<>(replicas);
        others.remove(node);
        submit(node, partition, others.get(sim.rnd.nextInt(others.size())));
      } else {
        sim.submitItem(node, new PurgeRound(partition));
      }
      startDuringFaults();
    });
  }

  /**
   * After healing: purge rounds (for a grace period: a purge that did not check every
   * replica would meet one that still holds an older value, which the repair round then
   * spreads), a repair round, purge rounds; the run is then settled.
   *
   * @return per node, its clock when the last purge rounds began less the grace period: every
   *     tombstone deleted before it must be gone by the end
   */
  Map<String, Long> settle() {
    long grace = sim.cfg.repair().tombstoneGraceMillis();
    purgeRounds(grace);
    repairRound();
    Map<String, Long> expiredBefore = new HashMap<>();
    for (EventualSim.Proc p : sim.procs) {
      expiredBefore.put(p.id, sim.wallOf(p) - grace);
    }
    purgeRounds(grace + 3 * ROUND_MILLIS);
    return expiredBefore;
  }

  void onResult(EventualResult r) {
    switch (r) {
      case EventualResult.Repaired x -> {
        sim.stats.treesCompared++;
        sim.stats.leavesDiffered += x.leavesDiffered();
        sim.stats.keysDiffered += x.keysDiffered();
        sim.stats.valuesShipped += x.valuesShipped();
      }
      case EventualResult.RepairFailed x -> sim.stats.repairsFailed++;
      default -> throw new AssertionError("a repair was answered with " + r);
    }
    Integer partition = roundRunning.remove(r.handle());
    if (partition != null) {
      startNextInRound(partition);
    }
  }

  static boolean isRepairResult(EventualResult r) {
    return r instanceof EventualResult.Repaired || r instanceof EventualResult.RepairFailed;
  }

  private void purgeRounds(long forMillis) {
    long end = sim.now + forMillis;
    while (sim.now < end) {
      for (int p = 0; p < sim.procs.size(); p++) {
        for (String node : replicasOfPartition(p)) {
          sim.submitItem(node, new PurgeRound(p));
        }
      }
      sim.runFor(ROUND_MILLIS);
    }
    sim.runFor(3 * ROUND_MILLIS); // the last round's purges finish
  }

  /**
   * Every replica of every partition repairs with every other; within a partition one session at
   * a time (so that what one session brings, the next one passes on), partitions side by side.
   */
  private void repairRound() {
    for (int p = 0; p < sim.procs.size(); p++) {
      ArrayDeque<Session> queue = new ArrayDeque<>();
      for (String node : replicasOfPartition(p)) {
        for (String peer : replicasOfPartition(p)) {
          if (!peer.equals(node)) {
            queue.add(new Session(node, p, peer));
          }
        }
      }
      roundQueues.put(p, queue);
      startNextInRound(p);
    }
    long limit = sim.now + 60_000;
    while (!roundRunning.isEmpty() && sim.now < limit) {
      sim.runFor(20);
    }
    if (!roundRunning.isEmpty()) {
      throw new AssertionError("the repair round did not finish in 60 s: sessions " + roundRunning + " still run");
    }
  }

  private void startNextInRound(int partition) {
    Session s = roundQueues.get(partition).poll();
    if (s != null) {
      roundRunning.put(submit(s.node(), s.partition(), s.peer()), partition);
    }
  }

  private long submit(String node, int partition, String peer) {
    long handle = nextHandle++;
    sim.submit(node, new EventualCommand.Repair(handle, EventualSim.NAMESPACE, partition, peer));
    return handle;
  }
}
