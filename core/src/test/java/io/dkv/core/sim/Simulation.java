package io.dkv.core.sim;

import io.dkv.core.twopc.ClientCommand;
import io.dkv.core.twopc.ClientResult;
import io.dkv.core.twopc.Envelope;
import io.dkv.core.twopc.Output;
import io.dkv.core.twopc.TwoPhaseNode;
import io.dkv.protocol.PeerMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A whole dkv cluster in one thread over a fake clock, a fake network and fake disks, all driven
 * by one seed (FoundationDB-style deterministic simulation): the same seed replays the same run.
 *
 * <p>The node driver is modelled on the server's CoreLoop: a node takes a batch of waiting events
 * from its inbox, steps the core for each, merges the outputs, syncs once if asked, then sends
 * (group commit). The simulation may crash the node after the steps and before the sync: the
 * batches written are lost with the process and nothing of those outputs leaves.
 */
final class Simulation {
  final long seed;
  final SimConfig cfg;
  final Random rnd;
  final SimStats stats = new SimStats();
  final List<SimNode> nodes = new ArrayList<>();
  final SimDirectory directory;
  final SimMoves moves;
  final SimCopier copier;
  final InvariantChecker invariants;
  final Workload workload;
  private final Map<String, SimNode> byId = new HashMap<>();
  private final EventQueue events = new EventQueue();
  private final Set<String> cutLinks = new HashSet<>();
  long now;
  /** Logical time for the history: strictly increasing over invocations and answers. */
  private long logicalClock;
  /** False once the network heals and crashes stop. */
  boolean faulty = true;

  Simulation(long seed) {
    this.seed = seed;
    this.cfg = SimConfig.fromSeed(seed);
    this.rnd = new Random(seed);
    this.invariants = new InvariantChecker(this);
    for (int i = 1; i <= cfg.nodes(); i++) {
      SimNode n = new SimNode("n" + i);
      nodes.add(n);
      byId.put(n.id, n);
      n.storage.onSync(ops -> invariants.onSync(n.id, ops));
    }
    this.copier = new SimCopier(this);
    this.directory = new SimDirectory(this);
    this.moves = new SimMoves(this);
    this.workload = new Workload(this);
  }

  /** Runs the whole scenario: faults and load, then healing, then the final checks. */
  void run() {
    for (SimNode n : nodes) {
      restart(n);
    }
    for (SimNode n : nodes) {
      scheduleCrash(n);
    }
    schedulePartitionChange();
    directory.start();
    moves.start();
    workload.start();
    runUntil(cfg.activeMillis());
    heal();
    workload.stopIssuing();
    new FinalChecks(this).runUntilQuietAndCheck();
  }

  /** With -Ddkv.sim.trace=true, a replayed seed prints every step and message. */
  private static final boolean TRACE = Boolean.getBoolean("dkv.sim.trace");

  /** Prints {@code what}, built only when tracing: most runs would build millions of lines. */
  void trace(Supplier<String> what) {
    if (TRACE) {
      System.out.println(now + " " + what.get());
    }
  }

  long nextLogicalTime() {
    return ++logicalClock;
  }

  void schedule(long atMillis, Runnable action) {
    events.schedule(atMillis, action);
  }

  /** Runs events up to {@code untilMillis} (inclusive); returns false if none were left. */
  boolean runUntil(long untilMillis) {
    boolean more = events.runUntil(untilMillis, t -> now = t);
    now = Math.max(now, untilMillis);
    return more;
  }

  SimNode node(String id) {
    return byId.get(id);
  }

  // ---- the node driver ----

  void submit(SimNode n, ClientCommand c) {
    enqueue(n, c);
  }

  private void enqueue(SimNode n, Object item) {
    if (!n.up) {
      return;
    }
    n.inbox.addLast(item);
    if (!n.runScheduled) {
      n.runScheduled = true;
      long gen = n.generation;
      schedule(now + rnd.nextInt(2), () -> runLoop(n, gen));
    }
  }

  private void runLoop(SimNode n, long gen) {
    if (!n.up || n.generation != gen) {
      return;
    }
    n.runScheduled = false;
    Output out = new Output();
    int batch = 1 + rnd.nextInt(cfg.maxBatch());
    // As the server's loop does: the client commands of a batch go in one step, so that writes
    // with the same participants share a transaction.
    List<ClientCommand> clients = new ArrayList<>();
    for (int i = 0; i < batch && !n.inbox.isEmpty(); i++) {
      Object item = n.inbox.pollFirst();
      if (item instanceof ClientCommand c) {
        clients.add(c);
      } else {
        out.merge(step(n, item));
      }
    }
    if (!clients.isEmpty()) {
      stats.steps++;
      trace(() -> n.id + " <- " + clients);
      out.merge(n.core.onClients(clients, now));
    }
    if (!n.inbox.isEmpty()) {
      n.runScheduled = true;
      schedule(now + rnd.nextInt(2), () -> runLoop(n, gen));
    }
    finishStep(n, out);
  }

  private Output step(SimNode n, Object item) {
    stats.steps++;
    if (item != SimNode.TICK) {
      trace(() -> n.id + " <- " + item);
    }
    return switch (item) {
      case PeerMessage m -> n.core.onMessage(m, now);
      default -> n.core.tick(now);
    };
  }

  /** Sync if asked (or crash before it), then send: the driver contract of Output. */
  private void finishStep(SimNode n, Output out) {
    if (faulty && n.storage.hasUnsyncedWrites() && rnd.nextDouble() < cfg.crashBeforeSyncP()) {
      stats.crashesBeforeSync++;
      crash(n);
      return;
    }
    if (out.syncNeeded()) {
      n.storage.sync();
    }
    for (Envelope e : out.messages()) {
      send(n, e);
    }
    for (ClientResult r : out.results()) {
      trace(() -> n.id + " => client " + r);
      if (SimCopier.owns(r.handle())) {
        copier.onResult(n, r);
      } else {
        workload.onResult(r);
      }
    }
  }

  // ---- the network ----

  private void send(SimNode from, Envelope e) {
    switch (e.message()) {
      case PeerMessage.StatusQuery q -> stats.statusQueries++;
      case PeerMessage.Prepare p -> {
        invariants.onPrepareSent(p);
        stats.preparesOfSeveralWrites += p.writes().size() > 1 ? 1 : 0;
      }
      case PeerMessage.Vote v -> {
        invariants.onVoteSent(v);
        stats.votesRefusingOneWrite += v.write() != PeerMessage.Vote.WHOLE ? 1 : 0;
      }
      default -> { }
    }
    trace(() -> from.id + " -> " + e.to() + " " + e.message());
    SimNode to = byId.get(e.to());
    transmit(from, to, () -> enqueue(to, e.message()));
  }

  /**
   * A message from one node to another, arriving as {@code arrival}: a cut link or a drop loses
   * it, it may arrive twice, each copy after its own delay (so messages overtake each other), and
   * it is lost if either end crashed meanwhile (TCP). A message to itself always arrives.
   */
  void transmit(SimNode from, SimNode to, Runnable arrival) {
    stats.messagesSent++;
    if (to == from) {
      deliverLater(from, to, arrival, rnd.nextInt(2));
      return;
    }
    if (faulty && (cutLinks.contains(from.id + ">" + to.id) || rnd.nextDouble() < cfg.dropP())) {
      stats.messagesDropped++;
      return;
    }
    deliverLater(from, to, arrival, 1 + rnd.nextInt((int) cfg.maxDelayMillis()));
    if (faulty && rnd.nextDouble() < cfg.dupP()) {
      stats.messagesDuplicated++;
      deliverLater(from, to, arrival, 1 + rnd.nextInt((int) cfg.maxDelayMillis()));
    }
  }

  private void deliverLater(SimNode from, SimNode to, Runnable arrival, long delayMillis) {
    long fromGen = from.generation;
    long toGen = to.generation;
    schedule(now + delayMillis, () -> {
      if (from.generation != fromGen || to.generation != toGen || !to.up) {
        stats.messagesLostInCrash++;
        return;
      }
      arrival.run();
    });
  }

  private void schedulePartitionChange() {
    long gap = cfg.meanPartitionGapMillis();
    schedule(now + 1 + (long) (rnd.nextDouble() * 2 * gap), () -> {
      if (!faulty) {
        return;
      }
      cutLinks.clear();
      if (rnd.nextBoolean()) {
        SimNode a = nodes.get(rnd.nextInt(nodes.size()));
        for (SimNode b : nodes) {
          if (b != a) {
            // Sometimes one-way: a receives but cannot send, or the other way round.
            int way = rnd.nextInt(3);
            if (way != 1) {
              cutLinks.add(a.id + ">" + b.id);
            }
            if (way != 2) {
              cutLinks.add(b.id + ">" + a.id);
            }
          }
        }
        stats.partitions++;
      }
      schedulePartitionChange();
    });
  }

  // ---- crashes ----

  private void scheduleCrash(SimNode n) {
    long gen = n.generation;
    long after = 1 + (long) (-Math.log(1 - rnd.nextDouble()) * cfg.meanUpMillis());
    schedule(now + after, () -> {
      if (faulty && n.up && n.generation == gen) {
        stats.crashes++;
        crash(n);
      }
    });
  }

  void crash(SimNode n) {
    trace(() -> "CRASH " + n.id);
    n.storage.crash();
    n.up = false;
    n.generation++;
    n.inbox.clear();
    n.runScheduled = false;
    n.core = null;
    copier.onCrash(n);
    if (faulty) {
      schedule(now + 1 + rnd.nextInt((int) cfg.maxDownMillis()), () -> restart(n));
    }
  }

  /** A new process on the node's disk: recovery, then a tick every tickMillis. */
  void restart(SimNode n) {
    if (n.up) {
      return;
    }
    n.up = true;
    n.generation++;
    trace(() -> "RESTART " + n.id);
    n.core = new TwoPhaseNode(n.id, n.storage, cfg.protocol());
    directory.configure(n);
    stats.restarts++;
    finishStep(n, n.core.start(now));
    if (n.up) {
      scheduleTick(n, n.generation);
      if (faulty) {
        scheduleCrash(n);
      }
    }
  }

  private void scheduleTick(SimNode n, long gen) {
    schedule(now + cfg.tickMillis(), () -> {
      if (n.up && n.generation == gen) {
        enqueue(n, SimNode.TICK);
        scheduleTick(n, gen);
      }
    });
  }

  /**
   * Ends every fault: every node learns the newest view and is marked up, down nodes come back, and
   * every node restarts once more (losing its tombstones).
   */
  void heal() {
    faulty = false;
    cutLinks.clear();
    directory.heal();
    for (SimNode n : nodes) {
      if (n.up) {
        crash(n);
      }
      restart(n);
    }
  }
}
