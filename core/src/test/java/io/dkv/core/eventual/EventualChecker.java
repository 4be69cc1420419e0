package io.dkv.core.eventual;

import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.WriteBatch;
import io.dkv.protocol.Bytes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The invariants of an eventual-namespace run, checked as the run goes and at its end:
 * <ol type="a">
 *   <li>with R + W > N, a read that starts after a write was acknowledged returns it or something
 *       newer (no disk is ever lost here: a crash loses only unsynced writes, which nothing has
 *       acknowledged);
 *   <li>after healing, purge and repair rounds, every replica of a key holds the same value,
 *       durably, and it is the newest version any replica ever made durable for the key, or
 *       nothing if that was a tombstone and it was purged; a tombstone past the grace period when
 *       the last purge rounds began is gone from every replica;
 *   <li>a retried write is applied once: every answer to a request id names one version, and every
 *       put's value (unique per request here) is stored under one version only;
 *   <li>no deleted value comes back: once a replica purged a tombstone, no replica ever makes a
 *       value older than it durable again;
 *   <li>hinted handoff: after healing and the quiet period, before the repair round, no node holds a
 *       hint any more, and, unless some hint expired in the run, every replica holds durably each
 *       version a holder acknowledged a hint for, or a newer one (or a tombstone newer than it was purged);
 *   <li>a version a node sends for the first time is above every version it stamped before, across
 *       its restarts, whatever its wall clock did.
 * </ol>
 */
final class EventualChecker {
  private record Ack(HybridTimestamp version, int writeQuorum, long atLogical) {}

  private record Hint(String target, Bytes key, HybridTimestamp version) {}

  private final EventualSim sim;
  private final Map<Bytes, List<Ack>> acksByKey = new HashMap<>();
  private final Map<Long, HybridTimestamp> versionByRequest = new HashMap<>();
  private final Map<Bytes, Set<HybridTimestamp>> versionsByPutValue = new HashMap<>();
  private final List<Hint> hintsStored = new ArrayList<>();
  /** The newest version any replica synced, by EVENTUAL key. */
  private final Map<Bytes, HybridTimestamp> newestDurable = new HashMap<>();
  /** What each replica holds durably, by node and EVENTUAL key: what a delete removed. */
  private final Map<String, Map<Bytes, EventualValue>> durable = new HashMap<>();
  /** The newest tombstone any replica purged, by EVENTUAL key. */
  private final Map<Bytes, HybridTimestamp> newestPurged = new HashMap<>();

  /** Every version each node has sent, and the greatest, for (f). */
  private final Map<String, Set<HybridTimestamp>> stampedByNode = new HashMap<>();
  private final Map<String, HybridTimestamp> newestStamped = new HashMap<>();

  EventualChecker(EventualSim sim) {
    this.sim = sim;
  }

  /** (c): every attempt of a request is answered with the first attempt's version. */
  void onWriteAnswer(long requestId, HybridTimestamp version) {
    HybridTimestamp first = versionByRequest.putIfAbsent(requestId, version);
    if (first != null && !first.equals(version)) {
      throw new AssertionError("request " + requestId + " was answered with version " + version
          + " after " + first + ": a retry was applied as a new write");
    }
  }

  /**
   * (f): a version {@code node} sends for the first time is above every version it stamped before,
   * across its restarts, whatever its wall clock did meanwhile.
   */
  void onStamped(String node, HybridTimestamp version) {
    if (!stampedByNode.computeIfAbsent(node, n -> new HashSet<>()).add(version)) {
      return; // a re-send, a retry under its first version, or a repair of its own older write
    }
    HybridTimestamp newest = newestStamped.put(node, version);
    if (newest != null && version.compareTo(newest) <= 0) {
      throw new AssertionError("node " + node + " stamped " + version + " after it had stamped " + newest
          + ": a restart must not let its versions go back");
    }
  }

  void onAcknowledged(Bytes key, HybridTimestamp version, int writeQuorum) {
    acksByKey.computeIfAbsent(key, k -> new ArrayList<>()).add(new Ack(version, writeQuorum, sim.nextLogicalTime()));
  }

  /** (a), for a read of {@code key} with quorum {@code readQuorum} that started at {@code startLogical}. */
  void onRead(Bytes key, int readQuorum, long startLogical, EventualValue newest) {
    HybridTimestamp got = newest.versionOrNull();
    for (Ack a : acksByKey.getOrDefault(key, List.of())) {
      if (a.atLogical() > startLogical) {
        continue;
      }
      boolean missed = got == null || got.compareTo(a.version()) < 0;
      if (readQuorum + a.writeQuorum() > EventualSimConfig.N) {
        sim.stats.overlappingReadChecks++;
        if (missed) {
          throw new AssertionError("a read of " + key + " with R = " + readQuorum + " returned " + newest
              + " but version " + a.version() + " was acknowledged with W = " + a.writeQuorum() + " before it started");
        }
      } else if (missed) {
        sim.stats.staleReadsWithoutOverlap++;
      }
    }
  }

  /** Watches every sync of every disk: (c) and (d) at the store, and the newest durable version per key. */
  void onSync(String node, List<WriteBatch.Op> ops) {
    Map<Bytes, EventualValue> held = durable.computeIfAbsent(node, n -> new HashMap<>());
    for (WriteBatch.Op op : ops) {
      if (op.cf() != ColumnFamily.EVENTUAL) {
        continue;
      }
      Bytes dataKey = Bytes.copyOf(op.key());
      if (op.value() == null) {
        if (held.remove(dataKey) instanceof EventualValue.Tombstone t) {
          sim.stats.tombstonesPurged++;
          newestPurged.merge(dataKey, t.version(), (a, b) -> a.isAfter(b) ? a : b);
        }
        continue;
      }
      EventualValue v = StoredValue.decode(op.value());
      held.put(dataKey, v);
      HybridTimestamp purged = newestPurged.get(dataKey);
      if (v instanceof EventualValue.Present p && purged != null && p.version().compareTo(purged) < 0) {
        throw new AssertionError("(d) a deleted value came back: " + node + " stored " + v + " after tombstone "
            + purged + " was purged");
      }
      newestDurable.merge(Bytes.copyOf(op.key()), v.versionOrNull(), (a, b) -> a.isAfter(b) ? a : b);
      if (v instanceof EventualValue.Present p) {
        Set<HybridTimestamp> versions = versionsByPutValue.computeIfAbsent(p.value(), x -> new HashSet<>());
        versions.add(p.version());
        if (versions.size() > 1) {
          throw new AssertionError("the put of value " + p.value() + " is stored under versions " + versions);
        }
      }
    }
  }

  /** A holder acknowledges a stored hint (its ack leaves after the sync, as the driver sends it). */
  void onHintStored(QuorumMessage.HintAck a) {
    hintsStored.add(new Hint(a.target(), a.key(), a.version()));
  }

  /** (e), after healing and the quiet period, before the purge and repair rounds. */
  void checkHintsDelivered() {
    long expired = sim.stats.hintsExpired;
    for (EventualSim.Proc p : sim.procs) {
      long[] held = new long[1];
      p.storage.scan(ColumnFamily.HINTS, new byte[0], (k, v) -> held[0]++);
      if (held[0] != 0 || p.core.hintStats().held() != 0) {
        throw new AssertionError("node " + p.id + " still holds " + held[0] + " hints (" + p.core.hintStats()
            + ") after healing and a quiet period: their targets were up and reachable");
      }
      expired += p.core.hintStats().expired();
    }
    if (expired > 0) {
      return; // an expired hint's target catches up by the repair round alone
    }
    for (Hint h : hintsStored) {
      byte[] dataKey = QuorumReplica.dataKey(EventualSim.NAMESPACE, h.key());
      EventualValue held = StoredValue.decode(sim.proc(h.target()).storage.durableGet(ColumnFamily.EVENTUAL, dataKey));
      HybridTimestamp purged = newestPurged.get(Bytes.wrap(dataKey));
      if (purged != null && purged.compareTo(h.version()) >= 0) {
        continue; // delivered, then deleted, and the tombstone purged
      }
      if (held.versionOrNull() == null || held.versionOrNull().compareTo(h.version()) < 0) {
        throw new AssertionError("a hint for " + h.target() + " with version " + h.version() + " of " + h.key()
            + " was acknowledged, no hint expired, yet " + h.target() + " holds " + held + " after healing");
      }
      sim.stats.hintsChecked++;
    }
  }

  /**
   * (b), after the last rounds. {@code purgedBeforeMillis}: on each replica's clock, when the last
   * purge rounds began less the grace period; tombstones deleted before it must be gone.
   */
  void checkConverged(Map<String, Long> purgedBeforeMillis) {
    for (int k = 0; k < sim.cfg.keys(); k++) {
      Bytes key = EventualSim.key(k);
      byte[] dataKey = QuorumReplica.dataKey(EventualSim.NAMESPACE, key);
      HybridTimestamp newest = newestDurable.get(Bytes.wrap(dataKey));
      HybridTimestamp purged = newestPurged.get(Bytes.wrap(dataKey));
      if (newest != null && purged != null && newest.compareTo(purged) <= 0) {
        newest = null; // the newest was a tombstone, and it was purged: nothing is left of the key
      }
      EventualValue first = null;
      for (String r : sim.replicasOf(k)) {
        EventualValue held = StoredValue.decode(sim.proc(r).storage.durableGet(ColumnFamily.EVENTUAL, dataKey));
        if (first != null && !held.equals(first)) {
          throw new AssertionError("replicas of " + key + " differ after the repair round: " + first + " and "
              + held + " at " + r);
        }
        first = held;
        if (held instanceof EventualValue.Tombstone t && t.deletedAtMillis() < purgedBeforeMillis.get(r)) {
          throw new AssertionError("tombstone " + t + " of " + key + " at " + r + " was past the grace period when"
              + " the last purge rounds began, and is still there");
        }
      }
      if (first.versionOrNull() == null ? newest != null : !first.versionOrNull().equals(newest)) {
        throw new AssertionError("replicas of " + key + " converged on " + first + " but " + newest
            + " was durable on some replica");
      }
      for (Ack a : acksByKey.getOrDefault(key, List.of())) {
        HybridTimestamp kept = newestDurable.get(Bytes.wrap(dataKey));
        if (kept == null || kept.compareTo(a.version()) < 0) {
          throw new AssertionError("acknowledged version " + a.version() + " of " + key + " is lost: replicas hold "
              + first);
        }
      }
    }
  }
}
