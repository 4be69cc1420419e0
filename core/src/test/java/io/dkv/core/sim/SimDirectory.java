package io.dkv.core.sim;

import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryCommand.Evict;
import io.dkv.core.directory.DirectoryCommand.MarkDown;
import io.dkv.core.directory.DirectoryCommand.MarkUp;
import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.Member;
import io.dkv.core.directory.NodeState;
import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.ReplicaSet;
import io.dkv.core.twopc.PartitionEpochs;
import io.dkv.protocol.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * The simulated directory (docs/directory.md §8, §9): the real {@link DirectoryState} and its
 * rules, one partition per key, its history of partition maps, read leases, and what each node's
 * view of it is. Changes come from random streams of their own, so that the other faults of a seed
 * stay where they were:
 * <ul>
 *   <li>every 50-550 ms an epoch change moves every key to a new configuration epoch with the same
 *       nodes (the real directory does that per partition, at each change of its nodes);
 *   <li>now and then an eviction: a node R loses its read lease ({@code MarkDown}: in the real
 *       system it has been silent for longer than its lease), then {@code Evict}, under a new epoch:
 *       R leaves the list of every key that keeps at least {@link #MIN_REPLICAS} replicas without
 *       it, and every move to it and every leaving list. Half the time R is cut off from the
 *       directory: it learns no epoch until it is marked up. Later R may be marked up: it gets its
 *       lease and the newest view back;
 *   <li>moves ({@link SimMoves}): learners that copy a key, are promoted, and replicas that leave
 *       and are released;
 *   <li>now and then the directory loses its leader for 100-600 ms: no change is committed (a
 *       command submitted meanwhile is not applied, as a submit that times out), and since no
 *       heartbeat is committed either, every node's read lease runs out {@link #LEASE_MILLIS}
 *       into the outage. The new leader commits heartbeats again, and the nodes whose lease ran
 *       out get it back (nothing changed meanwhile, so their views still have their last
 *       eviction).
 * </ul>
 * Each node learns a new epoch after a delay of its own (up to four message delays, one time in
 * eight up to 500 ms more) and keeps it across crashes, as a node keeps its cached directory view. Its core is configured with each key's
 * partition epoch as of the directory epoch it knows, so a change fences off only the writes routed
 * with the list it changed, and with whether it is the key's learner.
 */
final class SimDirectory {
  /** The eviction floor: {@code --min-replicas}' default. */
  static final int MIN_REPLICAS = 2;
  /** How much later than the others a slow node may learn an epoch. */
  private static final int SLOW_VIEW_MILLIS = 500;
  /** A key whose list is shorter has a free place that a move may fill. */
  static final int REPLICATION_FACTOR = 3;
  /** How long into a leader outage the nodes' read leases run out. */
  static final int LEASE_MILLIS = 150;

  private final Simulation sim;
  private final Random epochRnd;
  private final Random evictionRnd;
  private final Random leaderRnd;
  /** The directory has no leader: nothing is committed, not even heartbeats. */
  private boolean leaderless;
  /** Nodes whose lease ran out during the current leader outage, to get it back after. */
  private final Set<SimNode> leaseLapsed = new HashSet<>();
  private final List<String> keys = new ArrayList<>();
  private final Map<String, Integer> partitions = new HashMap<>();
  private DirectoryState state;
  /**
   * Directory epoch → the partition map from then on, for every epoch at which the map changed: a
   * node that knows epoch E sees the entry at or below E. Entries are only added above every epoch
   * a node knows, so a node's view never changes under it.
   */
  private final TreeMap<Long, PartitionMap> maps = new TreeMap<>();
  /** Nodes that cannot reach the directory: they learn nothing until they are marked up. */
  private final Set<SimNode> cutOff = new HashSet<>();

  /** Draws every key's initial replicas (1-3 of the nodes) from the simulation's stream. */
  SimDirectory(Simulation sim) {
    this.sim = sim;
    this.epochRnd = new Random(sim.seed * 31 + 7);
    this.evictionRnd = new Random(sim.seed * 131 + 17);
    this.leaderRnd = new Random(sim.seed * 71 + 29);
    List<ReplicaSet> sets = new ArrayList<>();
    for (int k = 0; k < sim.cfg.keys(); k++) {
      List<SimNode> shuffled = new ArrayList<>(sim.nodes);
      Collections.shuffle(shuffled, sim.rnd);
      int n = sim.rnd.nextInt(4) == 0 ? 1 + sim.rnd.nextInt(2) : 3;
      sets.add(ReplicaSet.of(shuffled.subList(0, Math.min(n, shuffled.size())).stream().map(s -> s.id).toList()));
      keys.add("k" + k);
      partitions.put("k" + k, k);
    }
    List<Member> members = sim.nodes.stream().map(n -> new Member(n.id, n.id + ":7000", NodeState.UP)).toList();
    List<String> ids = members.stream().map(Member::nodeId).sorted().toList();
    PartitionMap first = PartitionMap.withSets(0, REPLICATION_FACTOR, ids, sets, new long[sets.size()]);
    state = DirectoryState.of(0, members, first, DirectoryState.initial(1, REPLICATION_FACTOR).namespaces());
    maps.put(0L, first);
  }

  List<String> keys() {
    return List.copyOf(keys);
  }

  int partition(String key) {
    return partitions.get(key);
  }

  String key(int partition) {
    return keys.get(partition);
  }

  /** The partition map a node that knows directory epoch {@code knownEpoch} sees. */
  PartitionMap mapAt(long knownEpoch) {
    return maps.floorEntry(knownEpoch).getValue();
  }

  /** The epoch of {@code key}'s configuration as of directory epoch {@code knownEpoch}. */
  long keyEpoch(String key, long knownEpoch) {
    return mapAt(knownEpoch).partitionEpoch(partition(key));
  }

  /** Everyone a write of {@code key} routed at {@code knownEpoch} goes to (a node's view). */
  List<String> participants(String key, long knownEpoch) {
    return mapAt(knownEpoch).participants(partition(key));
  }

  /** {@code key}'s replicas as of directory epoch {@code knownEpoch} (a node's view). */
  List<SimNode> replicas(String key, long knownEpoch) {
    return mapAt(knownEpoch).replicas(partition(key)).stream().map(sim::node).toList();
  }

  ReplicaSet currentSet(String key) {
    return state.map().set(partition(key));
  }

  long currentKeyEpoch(String key) {
    return state.map().partitionEpoch(partition(key));
  }

  List<SimNode> currentReplicas(String key) {
    return replicas(key, state.epoch());
  }

  List<String> initialReplicas(String key) {
    return maps.firstEntry().getValue().replicas(partition(key));
  }

  /**
   * The nodes that would serve a strong read of {@code key} now: those holding their read lease
   * whose own view names them as a replica (the server's check; a client tries replicas until one
   * serves). Learners and leaving nodes serve none.
   */
  List<SimNode> readableReplicas(String key) {
    return sim.nodes.stream()
        .filter(n -> n.hasLease && mapAt(n.knownEpoch).replicas(partition(key)).contains(n.id))
        .toList();
  }

  /** Whether the directory has a leader, which commits changes (and heartbeats). */
  boolean hasLeader() {
    return !leaderless;
  }

  /** Whether the directory hears {@code n}'s heartbeats, and so knows which epoch it has seen. */
  boolean hears(SimNode n) {
    return n.up && !cutOff.contains(n);
  }

  void start() {
    scheduleEpochChange();
    scheduleEviction();
    scheduleLeaderLoss(1_500);
  }

  /**
   * Applies a command with the real directory's rules; an accepted change of the partition map is
   * announced to every node. Returns whether it was accepted.
   */
  boolean apply(DirectoryCommand command, Random delays) {
    if (leaderless) {
      sim.trace(() -> "DIRECTORY no leader: " + command + " not committed");
      return false;
    }
    DirectoryState.Transition t = state.apply(command);
    if (!(t.result() instanceof CommandResult.Accepted)) {
      sim.trace(() -> "DIRECTORY refused " + command + ": " + t.result());
      return false;
    }
    boolean mapChanged = t.state().map() != state.map();
    state = t.state();
    sim.trace(() -> "DIRECTORY " + command + " at epoch " + state.epoch() + ": " + state.map().sets());
    if (mapChanged) {
      maps.put(state.epoch(), state.map());
      announce(state.epoch(), delays);
    }
    return true;
  }

  /**
   * Hands the node's core its view: each key's partition epoch as of the epoch it knows, whether it
   * is the key's replica or learner, and its lease; the copier then starts or drops its copies.
   */
  void configure(SimNode n) {
    long known = n.knownEpoch;
    PartitionMap view = mapAt(known);
    n.core.configure(new PartitionEpochs() {
      @Override
      public long epochOf(String namespace, Bytes key) {
        return view.partitionEpoch(partition(key.toUtf8()));
      }

      @Override
      public long learnerSince(String namespace, Bytes key) {
        return SimDirectory.learnerSince(view.set(partition(key.toUtf8())), n);
      }

      @Override
      public boolean isReplica(String namespace, Bytes key) {
        return view.replicas(partition(key.toUtf8())).contains(n.id);
      }

      @Override
      public int partitionOf(String namespace, Bytes key) {
        return partition(key.toUtf8());
      }

      @Override
      public long viewEpoch() {
        return known;
      }
    });
    n.core.setReadLease(n.hasLease);
    sim.copier.onViewChanged(n);
  }

  /** The epoch since which {@code n} learns the partition of {@code set}, or NOT_LEARNING. */
  static long learnerSince(ReplicaSet set, SimNode n) {
    return set.move() != null && set.move().to().equals(n.id) ? set.move().since() : PartitionEpochs.NOT_LEARNING;
  }

  /** Healing: the directory has a leader, and every node is marked up. */
  void heal() {
    newLeader();
    for (SimNode n : sim.nodes) {
      if (!n.hasLease) {
        apply(new MarkUp(n.id), evictionRnd);
      }
      markUpWithNewestView(n);
    }
  }

  private void scheduleEpochChange() {
    sim.schedule(sim.now + 50 + epochRnd.nextInt(500), () -> {
      if (!sim.faulty) {
        return;
      }
      if (leaderless) {
        scheduleEpochChange();
        return;
      }
      long epoch = state.epoch() + 1;
      long[] epochs = new long[keys.size()];
      Arrays.fill(epochs, epoch);
      PartitionMap map = state.map();
      PartitionMap next = PartitionMap.withSets(epoch, map.replicationFactor(), map.members(), map.sets(), epochs);
      state = DirectoryState.of(epoch, state.members(), next, state.namespaces());
      maps.put(epoch, next);
      sim.stats.epochChanges++;
      sim.trace(() -> "EPOCH " + epoch);
      announce(epoch, epochRnd);
      scheduleEpochChange();
    });
  }

  /**
   * Each node learns {@code newEpoch} within four message delays, or one time in eight up to
   * 500 ms later still (its view refresh was lost or slow): a window in which its view is stale.
   */
  private void announce(long newEpoch, Random delays) {
    for (SimNode n : sim.nodes) {
      long delay = delays.nextInt((int) sim.cfg.maxDelayMillis() * 4 + 1)
          + (delays.nextInt(8) == 0 ? delays.nextInt(SLOW_VIEW_MILLIS + 1) : 0);
      sim.schedule(sim.now + delay, () -> learnEpoch(n, newEpoch));
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
      if (r.hasLease && !leaderless) {
        // The lease runs out before the directory acts: down-after > lease in the real system.
        sim.trace(() -> "LEASE LOST " + r.id);
        r.hasLease = false;
        if (r.up) {
          r.core.setReadLease(false);
        }
        apply(new MarkDown(r.id), evictionRnd);
        if (evictionRnd.nextBoolean()) {
          cutOff.add(r);
        }
        sim.schedule(sim.now + 1 + evictionRnd.nextInt(100), () -> evict(r));
      }
      scheduleEviction();
    });
  }

  /** The directory's Evict; like the real one, a change of no list is refused and makes no epoch. */
  private void evict(SimNode r) {
    if (!sim.faulty) {
      return;
    }
    if (apply(new Evict(r.id, MIN_REPLICAS), evictionRnd)) {
      sim.stats.evictions++;
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
    if (leaderless) {
      sim.schedule(sim.now + 100, () -> markUp(r));
      return;
    }
    apply(new MarkUp(r.id), evictionRnd);
    sim.stats.markUps++;
    markUpWithNewestView(r);
  }

  /**
   * The node gets its lease back together with the directory's newest view: a lease held with a
   * view from before the node's eviction would let it read, and judge conditions, from a replica
   * the others no longer write (without it the simulation finds such stale reads and conditions).
   */
  private void markUpWithNewestView(SimNode n) {
    cutOff.remove(n);
    n.knownEpoch = state.epoch();
    n.hasLease = true;
    if (n.up) {
      configure(n);
    }
  }

  // ---- losing the directory's leader ----

  private void scheduleLeaderLoss(int within) {
    sim.schedule(sim.now + 500 + leaderRnd.nextInt(within), () -> {
      if (!sim.faulty) {
        return;
      }
      int outage = 100 + leaderRnd.nextInt(500);
      leaderless = true;
      sim.stats.leaderLosses++;
      sim.trace(() -> "DIRECTORY LEADER LOST for " + outage + " ms");
      sim.schedule(sim.now + LEASE_MILLIS, this::lapseLeases);
      sim.schedule(sim.now + outage, () -> {
        newLeader();
        scheduleLeaderLoss(4_000);
      });
    });
  }

  /** No heartbeat was committed for a lease period: every lease runs out. */
  private void lapseLeases() {
    if (!leaderless) {
      return;
    }
    for (SimNode n : sim.nodes) {
      if (n.hasLease) {
        n.hasLease = false;
        leaseLapsed.add(n);
        sim.stats.leasesLapsedWithoutLeader++;
        if (n.up) {
          n.core.setReadLease(false);
        }
      }
    }
  }

  /** A new leader commits heartbeats again: the leases that ran out in the outage come back. */
  private void newLeader() {
    if (!leaderless) {
      return;
    }
    leaderless = false;
    sim.trace(() -> "DIRECTORY NEW LEADER; leases back for " + leaseLapsed.stream().map(n -> n.id).toList());
    for (SimNode n : leaseLapsed) {
      if (!n.hasLease && !cutOff.contains(n)) {
        n.hasLease = true;
        if (n.up) {
          n.core.setReadLease(true);
        }
      }
    }
    leaseLapsed.clear();
  }
}
