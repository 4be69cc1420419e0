package io.dkv.core.eventual;

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
import java.util.function.BiPredicate;

/**
 * The hint holder's role in hinted handoff (docs/eventual.md §4.1): keeps the writes other nodes'
 * replicas missed, durably, and delivers them when those replicas answer again.
 *
 * <p>Store. A {@link QuorumMessage.HintedWrite} is merged with the hint this node holds for the same
 * (target, namespace, key), if any, and written to the HINTS column family ({@link StoredHint}) in
 * one batch; the step asks for a sync and the {@link QuorumMessage.HintAck} leaves after it
 * (persist, then send). When the node already holds {@link HintConfig#maxHints} hints, or the
 * hint would take it past {@link HintConfig#maxHintBytes}, it refuses the hint instead, and the
 * coordinator asks the next fallback.
 *
 * <p>Deliver. On ticks, for each target whose turn has come, up to {@link #HINTS_PER_ROUND} hints go
 * to it as ordinary {@link QuorumMessage.WriteRequest}s (merge makes a repeat harmless). The
 * target's {@link QuorumMessage.WriteAck} for a version at least the hint's deletes the hint (no
 * sync needed: a hint that comes back after a crash is delivered again, to no effect). The next
 * round starts once every hint of the round was acknowledged, or after
 * {@link HintConfig#deliveryIntervalMillis} when some were not (the target is down or slow).
 *
 * <p>Expire and drop. A hint older than {@link HintConfig#maxHintAgeMillis} is dropped (anti-entropy
 * repairs what it missed); so are the hints of a target the driver says has left the cluster. A
 * hint deleted from storage behind this store's back (the server frees a dropped namespace's hints
 * with its values) is forgotten when its delivery finds it gone.
 *
 * <p>The index of the hints (not their values) is in memory, loaded from storage at start, so that
 * delivery resumes after a restart.
 */
final class HintStore {
  /** Hints sent to one target at a time. */
  static final int HINTS_PER_ROUND = 64;

  private record HintKey(String namespace, Bytes key) {}

  /** What the index keeps of a hint; the value itself stays in storage. */
  private record Entry(HybridTimestamp version, long storedAtMillis, long bytes) {}

  /** One target's hints and the state of its delivery. */
  private static final class Target {
    final Map<HintKey, Entry> hints = new LinkedHashMap<>();
    final Set<HintKey> inFlight = new HashSet<>();
    long nextRoundAtMillis;
  }

  private final String self;
  private final Storage storage;
  private final HintConfig config;
  private final Map<String, Target> targets = new TreeMap<>();
  /** Invariant: count and bytes are the sums over every target's hints. */
  private long count;
  private long bytes;
  private long nextExpiryAtMillis;
  private long stored;
  private long refused;
  private long delivered;
  private long expired;
  private long dropped;

  HintStore(String self, Storage storage, HintConfig config) {
    this.self = self;
    this.storage = storage;
    this.config = config;
    storage.scan(ColumnFamily.HINTS, new byte[0], (k, v) -> {
      StoredHint h = StoredHint.decode(k, v);
      index(h.target(), new HintKey(h.namespace(), h.key()),
          new Entry(h.value().versionOrNull(), h.storedAtMillis(), k.length + v.length));
    });
  }

  void onHintedWrite(QuorumMessage.HintedWrite m, long nowMillis, EventualOutput out) {
    HybridTimestamp version = m.value().versionOrNull();
    HintKey hk = new HintKey(m.namespace(), m.key());
    Target t = targets.get(m.target());
    Entry old = t == null ? null : t.hints.get(hk);
    if (old == null || version.isAfter(old.version())) {
      StoredHint hint = new StoredHint(m.namespace(), m.target(), m.key(), m.value(), nowMillis);
      byte[] key = hint.encodeKey();
      byte[] value = hint.encodeValue();
      long size = key.length + value.length;
      String full = fullness(old, size);
      if (full != null) {
        refused++;
        out.send(m.from(), new QuorumMessage.HintAck(self, m.target(), m.namespace(), m.key(), version, false, full));
        return;
      }
      storage.write(new WriteBatch().put(ColumnFamily.HINTS, key, value));
      out.requireSync();
      if (old != null) {
        unindex(m.target(), hk);
      }
      index(m.target(), hk, new Entry(version, nowMillis, size));
      stored++;
    }
    // An equal or newer hint held already answers too: the ack may rest on an earlier step's sync.
    out.send(m.from(), new QuorumMessage.HintAck(self, m.target(), m.namespace(), m.key(), version, true, ""));
  }

  /** A target acknowledged a version: the hint for it is delivered if it is not newer. */
  void onWriteAck(QuorumMessage.WriteAck a, long nowMillis) {
    Target t = targets.get(a.from());
    HintKey hk = new HintKey(a.namespace(), a.key());
    Entry e = t == null ? null : t.hints.get(hk);
    if (e == null || e.version().isAfter(a.version())) {
      return;
    }
    delete(a.from(), hk);
    delivered++;
    if (t.inFlight.isEmpty()) { // every hint of the round is delivered: the next may start at once
      t.nextRoundAtMillis = nowMillis;
    }
  }

  /** Expires old hints (at most once per delivery interval) and starts the delivery rounds due. */
  void tick(long nowMillis, EventualOutput out) {
    if (nowMillis >= nextExpiryAtMillis) {
      nextExpiryAtMillis = nowMillis + config.deliveryIntervalMillis();
      expired += removeWhere((target, e) -> nowMillis - e.storedAtMillis() >= config.maxHintAgeMillis());
    }
    for (String target : List.copyOf(targets.keySet())) {
      Target t = targets.get(target);
      if (nowMillis >= t.nextRoundAtMillis) {
        t.nextRoundAtMillis = nowMillis + config.deliveryIntervalMillis();
        deliverRound(target, t, out);
      }
    }
  }

  /** Sends up to {@link #HINTS_PER_ROUND} of the target's hints; forgets those no longer stored. */
  private void deliverRound(String target, Target t, EventualOutput out) {
    t.inFlight.clear();
    List<HintKey> gone = new ArrayList<>();
    for (HintKey hk : t.hints.keySet()) {
      if (t.inFlight.size() == HINTS_PER_ROUND) {
        break;
      }
      StoredHint hint = read(target, hk);
      if (hint == null) {
        gone.add(hk);
      } else {
        t.inFlight.add(hk);
        out.send(target, new QuorumMessage.WriteRequest(self, hk.namespace(), hk.key(), hint.value()));
      }
    }
    gone.forEach(hk -> unindex(target, hk));
    dropped += gone.size();
  }

  /** Drops every hint for these nodes, which have left the cluster and will never take them. */
  void dropHintsFor(Set<String> removedNodes) {
    dropped += removeWhere((target, e) -> removedNodes.contains(target));
  }

  HintStats stats() {
    return new HintStats(count, bytes, stored, refused, delivered, expired, dropped);
  }

  private String fullness(Entry replaced, long size) {
    if (replaced == null && count >= config.maxHints()) {
      return "node " + self + " holds " + count + " hints, its maximum (maxHints)";
    }
    long after = bytes - (replaced == null ? 0 : replaced.bytes()) + size;
    if (after > config.maxHintBytes()) {
      return "node " + self + " holds " + bytes + " bytes of hints; this one (" + size + " bytes) would pass its"
          + " maximum of " + config.maxHintBytes() + " (maxHintBytes)";
    }
    return null;
  }

  /**
   * The stored hint, or null if it is gone: the server's reclaimer deletes a dropped namespace's
   * hints with its values, behind this index's back.
   */
  private StoredHint read(String target, HintKey hk) {
    byte[] key = StoredHint.keyOf(hk.namespace(), target, hk.key());
    byte[] value = storage.get(ColumnFamily.HINTS, key);
    return value == null ? null : StoredHint.decode(key, value);
  }

  private record Located(String target, HintKey key) {}

  /** Deletes the hints that meet {@code condition}, in one batch; returns how many. */
  private long removeWhere(BiPredicate<String, Entry> condition) {
    List<Located> gone = new ArrayList<>();
    targets.forEach((target, t) -> t.hints.forEach((hk, e) -> {
      if (condition.test(target, e)) {
        gone.add(new Located(target, hk));
      }
    }));
    if (!gone.isEmpty()) {
      WriteBatch batch = new WriteBatch();
      for (Located l : gone) {
        batch.delete(ColumnFamily.HINTS, StoredHint.keyOf(l.key().namespace(), l.target(), l.key().key()));
        unindex(l.target(), l.key());
      }
      storage.write(batch);
    }
    return gone.size();
  }

  private void delete(String target, HintKey hk) {
    storage.write(new WriteBatch().delete(ColumnFamily.HINTS, StoredHint.keyOf(hk.namespace(), target, hk.key())));
    unindex(target, hk);
  }

  private void index(String target, HintKey hk, Entry e) {
    targets.computeIfAbsent(target, x -> new Target()).hints.put(hk, e);
    count++;
    bytes += e.bytes();
  }

  private void unindex(String target, HintKey hk) {
    Target t = targets.get(target);
    Entry e = t.hints.remove(hk);
    count--;
    bytes -= e.bytes();
    t.inFlight.remove(hk);
    if (t.hints.isEmpty()) {
      targets.remove(target);
    }
  }
}
