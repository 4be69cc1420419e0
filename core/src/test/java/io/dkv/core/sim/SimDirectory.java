package io.dkv.core.sim;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * The simulated directory (docs/directory.md §8): configuration epochs, each key's replica list
 * over time, and read leases. Two kinds of change happen while the run is faulty, each drawn from
 * a random stream of its own so that the other faults of a seed stay where they were:
 * <ul>
 *   <li>every 50-550 ms an epoch change moves every key to a new configuration epoch with the same
 *       replica list;
 *   <li>now and then an eviction: a node R loses its read lease (in the real system it has been
 *       silent for longer than its lease, or marked down), then, under a new epoch, leaves the list
 *       of every key that keeps at least {@link #MIN_REPLICAS} replicas without it; a key at the
 *       floor keeps R. Half the time R is cut off from the directory: it learns no epoch until it
 *       is marked up, so it goes on believing it replicates what it was evicted from. Later R may be
 *       marked up: it gets its lease back, but lists never grow.
 * </ul>
 * Each node learns a new epoch after a delay of its own (up to four message delays) and keeps it
 * across crashes, as a node keeps its cached directory view. Its core is configured with each key's
 * configuration epoch as of the directory epoch it knows: per key, as the real partition map does,
 * so an eviction fences off only the writes routed with a list it changed. With lists that only
 * shrink, a write routed with an older list still reaches every current replica; the fence is what
 * keeps a replica that was evicted and then marked up from judging such a write's condition from
 * its stale data (it refuses it as stale, check 5 of docs/two-phase-commit.md §4).
 */
final class SimDirectory {
  /** The eviction floor: {@code --min-replicas}' default. */
  static final int MIN_REPLICAS = 2;

  private final Simulation sim;
  private final Random epochRnd;
  private final Random evictionRnd;
  /**
   * Key → configuration epoch → replica list; the first entry (epoch 0) is the initial list.
   * Invariant: a list is a sublist of every earlier one (lists only shrink), and entries are only
   * ever added above every epoch a node knows, so a node's view of a key never changes under it.
   */
  private final Map<String, TreeMap<Long, List<SimNode>>> configurations = new LinkedHashMap<>();
  /** Nodes that cannot reach the directory: they learn nothing until they are marked up. */
  private final Set<SimNode> cutOff = new HashSet<>();
  private long epoch;

  /** Draws every key's initial replicas (1-3 of the nodes) from the simulation's stream. */
  SimDirectory(Simulation sim) {
    this.sim = sim;
    this.epochRnd = new Random(sim.seed * 31 + 7);
    this.evictionRnd = new Random(sim.seed * 131 + 17);
    for (int k = 0; k < sim.cfg.keys(); k++) {
      List<SimNode> shuffled = new ArrayList<>(sim.nodes);
      Collections.shuffle(shuffled, sim.rnd);
      int n = sim.rnd.nextInt(4) == 0 ? 1 + sim.rnd.nextInt(2) : 3;
      TreeMap<Long, List<SimNode>> history = new TreeMap<>();
      history.put(0L, List.copyOf(shuffled.subList(0, Math.min(n, shuffled.size()))));
      configurations.put("k" + k, history);
    }
  }

  List<String> keys() {
    return List.copyOf(configurations.keySet());
  }

  /** The epoch of {@code key}'s configuration as of directory epoch {@code knownEpoch}. */
  long keyEpoch(String key, long knownEpoch) {
    return configurations.get(key).floorKey(knownEpoch);
  }

  /** {@code key}'s replicas as of directory epoch {@code knownEpoch} (a node's view). */
  List<SimNode> replicas(String key, long knownEpoch) {
    return configurations.get(key).floorEntry(knownEpoch).getValue();
  }

  List<SimNode> currentReplicas(String key) {
    return configurations.get(key).lastEntry().getValue();
  }

  List<SimNode> initialReplicas(String key) {
    return configurations.get(key).firstEntry().getValue();
  }

  /**
   * The nodes that would serve a strong read of {@code key} now: those holding their read lease
   * whose own view names them as a replica (the server's check; a client tries replicas until one
   * serves).
   */
  List<SimNode> readableReplicas(String key) {
    return initialReplicas(key).stream()
        .filter(n -> n.hasLease && replicas(key, n.knownEpoch).contains(n))
        .toList();
  }

  void start() {
    scheduleEpochChange();
    scheduleEviction();
  }

  /** Hands the node's core its view: each key's epoch as of the epoch it knows, and its lease. */
  void configure(SimNode n) {
    long known = n.knownEpoch;
    n.core.configure((namespace, key) -> keyEpoch(key.toUtf8(), known));
    n.core.setReadLease(n.hasLease);
  }

  /** Healing: every node is marked up. */
  void heal() {
    for (SimNode n : sim.nodes) {
      markUpWithNewestView(n);
    }
  }

  private void scheduleEpochChange() {
    sim.schedule(sim.now + 50 + epochRnd.nextInt(500), () -> {
      if (!sim.faulty) {
        return;
      }
      epoch++;
      for (TreeMap<Long, List<SimNode>> history : configurations.values()) {
        history.put(epoch, history.lastEntry().getValue());
      }
      sim.stats.epochChanges++;
      sim.trace("EPOCH " + epoch);
      announce(epoch, epochRnd);
      scheduleEpochChange();
    });
  }

  private void announce(long newEpoch, Random delays) {
    for (SimNode n : sim.nodes) {
      sim.schedule(sim.now + delays.nextInt((int) sim.cfg.maxDelayMillis() * 4 + 1), () -> learnEpoch(n, newEpoch));
    }
  }

  private void learnEpoch(SimNode n, long newEpoch) {
    if (newEpoch > n.knownEpoch && !cutOff.contains(n)) {
      n.knownEpoch = newEpoch;
      if (n.up) {
        configure(n);
      }
    }
  }

  // ---- evictions ----

  private void scheduleEviction() {
    sim.schedule(sim.now + 100 + evictionRnd.nextInt(900), () -> {
      if (!sim.faulty) {
        return;
      }
      SimNode r = sim.nodes.get(evictionRnd.nextInt(sim.nodes.size()));
      if (r.hasLease) {
        // The lease runs out before the directory acts: down-after > lease in the real system.
        sim.trace("LEASE LOST " + r.id);
        r.hasLease = false;
        if (r.up) {
          r.core.setReadLease(false);
        }
        if (evictionRnd.nextBoolean()) {
          cutOff.add(r);
        }
        sim.schedule(sim.now + 1 + evictionRnd.nextInt(100), () -> evict(r));
      }
      scheduleEviction();
    });
  }

  /** The directory's Evict: R leaves every list above the floor, under one new epoch. */
  private void evict(SimNode r) {
    if (!sim.faulty) {
      return;
    }
    long newEpoch = epoch + 1;
    for (TreeMap<Long, List<SimNode>> history : configurations.values()) {
      List<SimNode> list = history.lastEntry().getValue();
      if (list.contains(r) && list.size() - 1 >= MIN_REPLICAS) {
        history.put(newEpoch, list.stream().filter(n -> n != r).toList());
      }
    }
    // Like the real Evict, a change of no list is refused and makes no epoch.
    if (configurations.values().stream().anyMatch(h -> h.lastKey() == newEpoch)) {
      epoch = newEpoch;
      sim.stats.evictions++;
      sim.trace("EVICT " + r.id + " at epoch " + epoch);
      announce(epoch, evictionRnd);
    }
    if (evictionRnd.nextInt(3) > 0) {
      sim.schedule(sim.now + 50 + evictionRnd.nextInt(600), () -> markUp(r));
    }
  }

  /** The directory's MarkUp: R is heard again. */
  private void markUp(SimNode r) {
    if (!sim.faulty || r.hasLease) {
      return;
    }
    sim.stats.markUps++;
    sim.trace("MARK UP " + r.id);
    markUpWithNewestView(r);
  }

  /**
   * The node gets its lease back together with the directory's newest view: a lease held with a
   * view from before the node's eviction would let it read, and judge conditions, from a replica
   * the others no longer write (without it the simulation finds such stale reads and conditions).
   */
  private void markUpWithNewestView(SimNode n) {
    cutOff.remove(n);
    n.knownEpoch = epoch;
    n.hasLease = true;
    if (n.up) {
      configure(n);
    }
  }
}
