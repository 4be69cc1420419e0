package io.dkv.core.eventual;

import io.dkv.core.eventual.QuorumMessage.PurgePhase;
import io.dkv.core.eventual.QuorumMessage.PurgeReply;
import io.dkv.core.eventual.QuorumMessage.PurgeRequest;
import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.Storage;
import io.dkv.core.storage.WriteBatch;
import io.dkv.protocol.Bytes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Tombstone purge (docs/eventual.md §10). Every replica purges the tombstones it holds, in rounds
 * its driver starts per partition:
 * <ol>
 *   <li>a tombstone whose delete is older than the grace period is <b>checked</b>: every other
 *       replica is asked whether it holds it or something newer (absent does not count); one that
 *       does not is sent the tombstone (so that a replica that never heard of the key gets it);
 *   <li>once every other replica said yes (over one or more rounds), the tombstone is
 *       <b>confirmed</b> at that time: from then on no replica holds an older value, since merge
 *       only moves forward;
 *   <li>a round at least the grace period after the confirmation <b>purges</b>: each other replica
 *       deletes the record if it holds exactly that tombstone and says so; once all have, this
 *       replica deletes its own.
 * </ol>
 * Why the wait after the confirmation: a message that carries an older value (a read's reply, a
 * read repair, a shipment) left a replica before it held the tombstone, so before the
 * confirmation; the grace period outlasts its delivery, after which it finds the tombstone and
 * loses the merge. A purge must not meet such a value on a replica that has already dropped the
 * tombstone, or the value would come back.
 *
 * <p>Progress lives in memory only: after a restart a replica checks again. A purge half done
 * (some replicas deleted, the purging one crashed) then finds replicas without the tombstone and
 * sends it to them again: the tombstone comes back, never the value, and a later round purges
 * it. Anti-entropy counts a tombstone past the grace period and absent as equal
 * ({@link KeyVersion#shouldShip}) so that it does not do the same.
 */
final class TombstonePurger {
  private record Key(String namespace, Bytes key) {}

  private static final class Progress {
    final HybridTimestamp version;
    final Set<String> heldBy = new HashSet<>();
    final Set<String> doneBy = new HashSet<>();
    List<String> others = List.of();
    /** When every other replica was known to hold it; -1 while not yet. */
    long confirmedAtMillis = -1;
    boolean purging;

    Progress(HybridTimestamp version) {
      this.version = version;
    }
  }

  private final String self;
  private final Storage storage;
  private final RepairConfig config;
  private final QuorumReplica replica;
  private final Map<Key, Progress> progress;

  TombstonePurger(String self, Storage storage, RepairConfig config,
                  QuorumReplica replica) {
    this.self = self;
    this.storage = storage;
    this.config = config;
    this.replica = replica;
    int bound = 4 * config.maxTombstonesPerRound();
    this.progress = new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Key, Progress> eldest) {
        return size() > bound; // forgetting only delays a purge: the next round checks again
      }
    };
  }

  /** One round for the tombstones this node holds in {@code partition}, whose replicas are {@code replicas}. */
  void round(String namespace, int partition, List<String> replicas, long nowMillis, EventualOutput out) {
    if (!replicas.contains(self)) {
      return;
    }
    List<String> others = replicas.stream().filter(r -> !r.equals(self)).distinct().toList();
    Map<String, List<TombstoneRef>> checks = new TreeMap<>();
    Map<String, List<TombstoneRef>> purges = new TreeMap<>();
    for (TombstoneRef t : expiredTombstones(namespace, partition, nowMillis)) {
      Key key = new Key(namespace, t.key());
      Progress p = progress.get(key);
      if (p == null || !p.version.equals(t.version())) {
        p = new Progress(t.version());
        progress.put(key, p);
      }
      p.others = others;
      if (!p.purging && p.confirmedAtMillis < 0 && p.heldBy.containsAll(others)) {
        p.confirmedAtMillis = nowMillis;
      }
      if (!p.purging && p.confirmedAtMillis >= 0 && p.confirmedAtMillis <= nowMillis - config.tombstoneGraceMillis()) {
        p.purging = true;
      }
      Map<String, List<TombstoneRef>> to = p.purging ? purges : p.confirmedAtMillis < 0 ? checks : null;
      if (to != null) {
        for (String r : others) {
          if (!(p.purging ? p.doneBy : p.heldBy).contains(r)) {
            to.computeIfAbsent(r, x -> new ArrayList<>()).add(t);
          }
        }
      }
      if (p.purging && p.doneBy.containsAll(others)) {
        deleteOwn(key, p, out);
      }
    }
    checks.forEach((r, refs) -> out.send(r, new PurgeRequest(self, namespace, PurgePhase.CHECK, refs)));
    purges.forEach((r, refs) -> out.send(r, new PurgeRequest(self, namespace, PurgePhase.PURGE, refs)));
  }

  /** A replica's side: answer a check, or delete the tombstones it holds exactly. */
  void onRequest(PurgeRequest r, EventualOutput out) {
    List<TombstoneRef> yes = new ArrayList<>();
    List<TombstoneRef> no = new ArrayList<>();
    WriteBatch deletes = new WriteBatch();
    for (TombstoneRef t : r.tombstones()) {
      EventualValue held = replica.read(r.namespace(), t.key());
      EventualValue.Tombstone tombstone = new EventualValue.Tombstone(t.version());
      switch (r.phase()) {
        case CHECK -> (held.versionOrNull() != null && held.covers(tombstone) ? yes : no).add(t);
        case PURGE -> {
          if (held.equals(tombstone)) {
            deletes.delete(ColumnFamily.EVENTUAL, QuorumReplica.dataKey(r.namespace(), t.key()));
          }
          yes.add(t);
        }
      }
    }
    if (!deletes.isEmpty()) {
      storage.write(deletes);
      replica.index().changed(r.namespace());
      out.requireSync();
    }
    out.send(r.from(), new PurgeReply(self, r.namespace(), r.phase(), yes, no));
  }

  /** The purging replica's side: count the answers; send the tombstone to a replica without it. */
  void onReply(PurgeReply r, long nowMillis, EventualOutput out) {
    for (TombstoneRef t : r.yes()) {
      Key key = new Key(r.namespace(), t.key());
      Progress p = progress.get(key);
      if (p == null || !p.version.equals(t.version())) {
        continue;
      }
      if (r.phase() == PurgePhase.PURGE) {
        p.doneBy.add(r.from());
        if (p.purging && p.doneBy.containsAll(p.others)) {
          deleteOwn(key, p, out);
        }
      } else {
        p.heldBy.add(r.from());
        if (p.confirmedAtMillis < 0 && p.heldBy.containsAll(p.others)) {
          p.confirmedAtMillis = nowMillis;
        }
      }
    }
    for (TombstoneRef t : r.no()) {
      EventualValue mine = replica.read(r.namespace(), t.key());
      if (mine.versionOrNull() != null) {
        out.send(r.from(), new QuorumMessage.WriteRequest(self, r.namespace(), t.key(), mine));
      }
    }
  }

  private void deleteOwn(Key key, Progress p, EventualOutput out) {
    progress.remove(key);
    if (replica.read(key.namespace(), key.key()).equals(new EventualValue.Tombstone(p.version))) {
      storage.write(new WriteBatch().delete(ColumnFamily.EVENTUAL, QuorumReplica.dataKey(key.namespace(), key.key())));
      replica.index().changed(key.namespace());
      out.requireSync();
    }
  }

  /** Up to the round's limit, the tombstones this node holds in the partition whose delete is past the grace period. */
  private List<TombstoneRef> expiredTombstones(String namespace, int partition, long nowMillis) {
    long cutoff = nowMillis - config.tombstoneGraceMillis();
    List<TombstoneRef> out = new ArrayList<>();
    for (KeyVersion e : replica.index().entries(namespace, partition, nowMillis)) {
      if (out.size() == config.maxTombstonesPerRound()) {
        break;
      }
      if (e.expired(cutoff)) {
        out.add(new TombstoneRef(e.key(), e.version()));
      }
    }
    return out;
  }
}
