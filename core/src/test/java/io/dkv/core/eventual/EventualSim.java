package io.dkv.core.eventual;

import io.dkv.core.sim.EventQueue;
import io.dkv.core.storage.InMemoryStorage;
import io.dkv.protocol.Bytes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A cluster of {@link EventualNode}s in one thread over a fake clock, a fake network and fake disks,
 * all driven by one seed: the same seed replays the same run. It follows the ideas of the 2PC
 * simulation ({@code io.dkv.core.sim.Simulation}) with a driver of its own: a node takes a batch
 * of waiting events, steps its core for each, syncs once if asked (or crashes just before,
 * losing every unsynced write), then sends, answers clients and starts read repairs. The network
 * drops, duplicates, delays and so reorders messages, and cuts nodes off (sometimes one way);
 * nodes' wall clocks are skewed and jump, also backwards.
 */
final class EventualSim {
  static final String NAMESPACE = "ns";
  /** Wall clocks start here, so that skewed clocks stay positive. */
  private static final long EPOCH_MILLIS = 1_700_000_000_000L;

  /** One simulated process: the disk survives crashes, everything else does not. */
  static final class Proc {
    final String id;
    final InMemoryStorage storage = new InMemoryStorage();
    EventualNode core;
    boolean up;
    /** Bumped at every crash and restart; a message in flight to or from an older one is lost (TCP). */
    long generation;
    long clockOffsetMillis;
    final ArrayDeque<Object> inbox = new ArrayDeque<>();
    boolean loopScheduled;

    Proc(String id) {
      this.id = id;
    }
  }

  private static final Object TICK = new Object();

  final long seed;
  final EventualSimConfig cfg;
  final Random rnd;
  final EventualSimStats stats = new EventualSimStats();
  final List<Proc> procs = new ArrayList<>();
  final EventualChecker checker;
  final SimClients clients;
  final SimRepairs repairs;
  private final Map<String, Proc> byId = new HashMap<>();
  private final EventQueue events = new EventQueue();
  private final Set<String> cutLinks = new HashSet<>();
  long now;
  private long logicalClock;
  boolean faulty = true;

  EventualSim(long seed) {
    this.seed = seed;
    this.cfg = EventualSimConfig.fromSeed(seed);
    this.rnd = new Random(seed);
    this.checker = new EventualChecker(this);
    for (int i = 1; i <= cfg.nodes(); i++) {
      Proc p = new Proc("n" + i);
      procs.add(p);
      byId.put(p.id, p);
      p.storage.onSync(ops -> checker.onSync(p.id, ops));
    }
    this.clients = new SimClients(this);
    this.repairs = new SimRepairs(this);
  }

  /** Faults, load and repairs, then healing, a quiet period, purge and repair rounds and the final checks. */
  void run() {
    for (Proc p : procs) {
      restart(p);
      scheduleCrash(p);
    }
    schedulePartitionChange();
    scheduleClockJump();
    clients.start();
    repairs.startDuringFaults();
    if (cfg.longOutage()) {
      scheduleLongOutage();
    }
    runUntil(cfg.activeMillis());
    heal();
    clients.stop();
    runFor(3_000); // a quiet period, in which the hints are delivered
    checker.checkHintsDelivered();
    checker.checkConverged(repairs.settle());
    for (Proc p : procs) {
      stats.addHints(p.core.hintStats());
    }
  }

  /** The replicas of key {@code k}: N consecutive nodes from the k-th on. */
  List<String> replicasOf(int k) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < EventualSimConfig.N; i++) {
      out.add(procs.get((k + i) % procs.size()).id);
    }
    return out;
  }

  /**
   * Hinted handoff's fallbacks for key {@code k}, as a server takes them: the nodes after its
   * replicas in ring order, skipping those down (this driver knows; a server knows less).
   */
  List<String> fallbacksOf(int k) {
    List<String> out = new ArrayList<>();
    for (int i = EventualSimConfig.N; i < procs.size(); i++) {
      Proc p = procs.get((k + i) % procs.size());
      if (p.up) {
        out.add(p.id);
      }
    }
    return out;
  }

  /** The replicas of key {@code k} that are down, or, half of the time, none: failure detection is late. */
  Set<String> downReplicasOf(int k) {
    Set<String> down = new HashSet<>();
    if (rnd.nextBoolean()) {
      replicasOf(k).stream().filter(r -> !byId.get(r).up).forEach(down::add);
    }
    return down;
  }

  static Bytes key(int k) {
    return Bytes.utf8("k" + k);
  }

  Proc proc(String id) {
    return byId.get(id);
  }

  long wallOf(Proc p) {
    return EPOCH_MILLIS + now + p.clockOffsetMillis;
  }

  /** Strictly increasing over the run: orders an acknowledgement before a read that starts later. */
  long nextLogicalTime() {
    return ++logicalClock;
  }

  void schedule(long atMillis, Runnable action) {
    events.schedule(atMillis, action);
  }

  void runFor(long millis) {
    runUntil(now + millis);
  }

  private void runUntil(long untilMillis) {
    events.runUntil(untilMillis, t -> now = t);
    now = untilMillis;
  }

  // ---- the node driver ----

  /** A client's command reaches a node; lost if the node is down (the client times out). */
  void submit(String node, EventualCommand c) {
    enqueue(byId.get(node), c);
  }

  /** Any other item for a node's loop (a purge round); lost if the node is down. */
  void submitItem(String node, Object item) {
    enqueue(byId.get(node), item);
  }

  private void enqueue(Proc p, Object item) {
    if (!p.up) {
      return;
    }
    p.inbox.addLast(item);
    if (!p.loopScheduled) {
      p.loopScheduled = true;
      long gen = p.generation;
      schedule(now + rnd.nextInt(2), () -> loop(p, gen));
    }
  }

  private void loop(Proc p, long gen) {
    if (!p.up || p.generation != gen) {
      return;
    }
    p.loopScheduled = false;
    EventualOutput out = new EventualOutput();
    int batch = 1 + rnd.nextInt(cfg.maxBatch());
    for (int i = 0; i < batch && !p.inbox.isEmpty(); i++) {
      Object item = p.inbox.pollFirst();
      stats.steps++;
      out.merge(switch (item) {
        case QuorumMessage m -> p.core.onMessage(m, wallOf(p));
        case EventualCommand c -> p.core.onClient(c, wallOf(p));
        case SimRepairs.PurgeRound r -> p.core.purgeTombstones(NAMESPACE, r.partition(), replicasOf(r.partition()),
            wallOf(p));
        default -> p.core.tick(wallOf(p));
      });
    }
    if (!p.inbox.isEmpty()) {
      p.loopScheduled = true;
      schedule(now + rnd.nextInt(2), () -> loop(p, gen));
    }
    if (faulty && p.storage.hasUnsyncedWrites() && rnd.nextDouble() < cfg.crashBeforeSyncP()) {
      stats.crashesBeforeSync++;
      crash(p);
      return;
    }
    if (out.syncNeeded()) {
      p.storage.sync();
    }
    for (QuorumEnvelope e : out.messages()) {
      if (e.message() instanceof QuorumMessage.WriteRefused) {
        stats.refusals++;
      }
      if (e.message() instanceof QuorumMessage.WriteRequest w && w.value().versionOrNull().nodeId().equals(p.id)) {
        checker.onStamped(p.id, w.value().versionOrNull());
      }
      if (e.message() instanceof QuorumMessage.HintAck a && a.stored()) {
        checker.onHintStored(a);
      }
      send(p, e.to(), e.message());
    }
    for (EventualResult r : out.results()) {
      if (SimRepairs.isRepairResult(r)) {
        repairs.onResult(r);
      } else {
        clients.onResult(r);
      }
    }
    for (ReadRepair repair : out.repairs()) {
      List<String> targets = new ArrayList<>(repair.stale());
      targets.addAll(repair.silent());
      for (String t : targets) {
        stats.repairsSent++;
        send(p, t, new QuorumMessage.WriteRequest(p.id, repair.namespace(), repair.key(), repair.newest()));
      }
    }
  }

  // ---- the network ----

  private void send(Proc from, String toId, QuorumMessage m) {
    Proc to = byId.get(toId);
    stats.messagesSent++;
    if (to != from && faulty && (cutLinks.contains(from.id + ">" + to.id) || rnd.nextDouble() < cfg.dropP())) {
      stats.messagesDropped++;
      return;
    }
    int copies = to != from && faulty && rnd.nextDouble() < cfg.dupP() ? 2 : 1;
    stats.messagesDuplicated += copies - 1;
    for (int i = 0; i < copies; i++) {
      long delay = to == from ? rnd.nextInt(2) : 1 + rnd.nextInt((int) cfg.maxDelayMillis());
      long fromGen = from.generation;
      long toGen = to.generation;
      schedule(now + delay, () -> {
        if (from.generation == fromGen && to.generation == toGen) {
          enqueue(to, m);
        }
      });
    }
  }

  private void schedulePartitionChange() {
    schedule(now + 1 + (long) (rnd.nextDouble() * 2 * cfg.meanPartitionGapMillis()), () -> {
      if (!faulty) {
        return;
      }
      cutLinks.clear();
      if (rnd.nextBoolean()) {
        stats.partitions++;
        Proc isolated = procs.get(rnd.nextInt(procs.size()));
        int way = rnd.nextInt(3); // 0: both ways, 1: it cannot send, 2: it cannot receive
        for (Proc other : procs) {
          if (other != isolated) {
            if (way != 2) {
              cutLinks.add(isolated.id + ">" + other.id);
            }
            if (way != 1) {
              cutLinks.add(other.id + ">" + isolated.id);
            }
          }
        }
      }
      schedulePartitionChange();
    });
  }

  /** A node's wall clock jumps to a new offset in [-maxSkew, maxSkew]: forwards or backwards. */
  private void scheduleClockJump() {
    schedule(now + 50 + rnd.nextInt(400), () -> {
      if (faulty && cfg.maxSkewMillis() > 0) {
        Proc p = procs.get(rnd.nextInt(procs.size()));
        p.clockOffsetMillis = rnd.nextLong(-cfg.maxSkewMillis(), cfg.maxSkewMillis() + 1);
        stats.clockJumps++;
        scheduleClockJump();
      }
    });
  }

  // ---- crashes ----

  private void scheduleCrash(Proc p) {
    long gen = p.generation;
    long after = 1 + (long) (-Math.log(1 - rnd.nextDouble()) * cfg.meanUpMillis());
    schedule(now + after, () -> {
      if (faulty && p.up && p.generation == gen) {
        stats.crashes++;
        crash(p);
      }
    });
  }

  private void crash(Proc p) {
    stop(p);
    schedule(now + 1 + rnd.nextInt((int) cfg.maxDownMillis()), () -> restart(p));
  }

  private void stop(Proc p) {
    stats.addHints(p.core.hintStats());
    p.storage.crash();
    p.up = false;
    p.generation++;
    p.inbox.clear();
    p.loopScheduled = false;
    p.core = null;
  }

  /** One node goes down early in the run and stays down until the healing. */
  private void scheduleLongOutage() {
    schedule(rnd.nextLong(cfg.activeMillis() / 4 + 1), () -> {
      Proc p = procs.get(rnd.nextInt(procs.size()));
      if (p.up) {
        stats.longOutages++;
        stop(p);
      }
    });
  }

  private void restart(Proc p) {
    if (p.up) {
      return;
    }
    p.up = true;
    p.generation++;
    p.core = new EventualNode(p.id, p.storage, cfg.protocol(), 1, repairs.partitioner(), cfg.repair());
    scheduleTicks(p, p.generation);
    if (faulty) {
      scheduleCrash(p);
    }
  }

  private void scheduleTicks(Proc p, long gen) {
    schedule(now + cfg.tickMillis(), () -> {
      if (p.up && p.generation == gen) {
        enqueue(p, TICK);
        scheduleTicks(p, gen);
      }
    });
  }

  /** Ends every fault: links heal, down nodes come back; clocks keep their skew. */
  private void heal() {
    faulty = false;
    cutLinks.clear();
    for (Proc p : procs) {
      restart(p);
    }
  }
}
