package io.dkv.core.eventual;

import io.dkv.core.eventual.QuorumMessage.RepairHashes;
import io.dkv.core.eventual.QuorumMessage.RepairKeys;
import io.dkv.core.eventual.QuorumMessage.RepairTreeRequest;
import io.dkv.core.eventual.QuorumMessage.RepairWant;
import io.dkv.protocol.Bytes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Anti-entropy between the replicas of a partition (docs/eventual.md §10), both roles: the
 * sessions this node initiates ({@link RepairSession}) and the answers to the sessions of others.
 *
 * <p>The responder builds its tree at a session's first request and keeps it while the session
 * asks about it (at most {@link #CACHED_TREES}, the least recently used go first), so that all
 * its answers to one session describe one snapshot; one it no longer has, after a restart say, it
 * builds again. It ships every value it holds newer than the initiator's entry
 * (by {@link KeyVersion#shouldShip}), read from the store at that moment.
 */
final class AntiEntropy {
  static final int CACHED_TREES = 8;

  private record TreeKey(String initiator, long session, String namespace, int partition) {}

  private final String self;
  private final RepairConfig config;
  private final QuorumReplica replica;
  private final Map<Long, RepairSession> sessions = new HashMap<>();
  private final Map<TreeKey, MerkleTree> trees = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<TreeKey, MerkleTree> eldest) {
      return size() > CACHED_TREES;
    }
  };
  /** Invariant: every session id issued by this process is <= sessionSequence. */
  private long sessionSequence;

  AntiEntropy(String self, RepairConfig config, QuorumReplica replica,
              long firstSessionId) {
    this.self = self;
    this.config = config;
    this.replica = replica;
    this.sessionSequence = firstSessionId - 1;
  }

  void start(EventualCommand.Repair c, long nowMillis, EventualOutput out) {
    if (c.peer().equals(self)) {
      out.reply(new EventualResult.RepairFailed(c.handle(), c.namespace(), c.partition(), c.peer(),
          "a replica does not repair with itself; name another replica of the partition"));
      return;
    }
    MerkleTree tree = MerkleTree.of(replica.index().entries(c.namespace(), c.partition(), nowMillis),
        cutoff(nowMillis));
    RepairSession s = new RepairSession(c.handle(), ++sessionSequence, self, c.namespace(), c.partition(), c.peer(),
        tree, config);
    sessions.put(s.id, s);
    s.start(nowMillis, out);
  }

  void onTreeRequest(RepairTreeRequest r, long nowMillis, EventualOutput out) {
    if (r.level() < 0 || r.level() > 1) {
      return; // no tree has such a level: a damaged or foreign request, and nothing to answer
    }
    if (r.level() == 0) {
      // A session's first request: a new snapshot, also when an initiator that restarted reuses a session id.
      trees.remove(new TreeKey(r.from(), r.session(), r.namespace(), r.partition()));
    }
    MerkleTree tree = tree(r.from(), r.session(), r.namespace(), r.partition(), nowMillis);
    List<Long> hashes = new ArrayList<>();
    for (int index : r.indices()) {
      if (index < 0 || index >= (r.level() == 0 ? 1 : MerkleTree.FANOUT)) {
        return;
      }
      for (long h : tree.children(r.level(), index)) {
        hashes.add(h);
      }
    }
    out.send(r.from(), new RepairHashes(self, r.session(), r.step(), r.namespace(), r.partition(), r.level(),
        r.indices(), hashes));
  }

  void onKeys(RepairKeys k, long nowMillis, EventualOutput out) {
    MerkleTree tree = tree(k.from(), k.session(), k.namespace(), k.partition(), nowMillis);
    long cutoff = cutoff(nowMillis);
    Map<Bytes, KeyVersion> theirs = new TreeMap<>();
    for (KeyVersion e : k.entries()) {
      theirs.put(e.key(), e);
    }
    Map<Bytes, KeyVersion> mine = new TreeMap<>();
    for (int leaf : k.leaves()) {
      if (leaf < 0 || leaf >= MerkleTree.LEAVES) {
        return;
      }
      for (KeyVersion e : tree.entries(leaf)) {
        mine.put(e.key(), e);
      }
    }
    int shipped = 0;
    for (KeyVersion e : mine.values()) {
      if (KeyVersion.shouldShip(e, theirs.get(e.key()), cutoff) && ship(k.from(), k.namespace(), e.key(), out)) {
        shipped++;
      }
    }
    List<Bytes> wanted = new ArrayList<>();
    for (KeyVersion e : theirs.values()) {
      if (KeyVersion.shouldShip(e, mine.get(e.key()), cutoff)) {
        wanted.add(e.key());
      }
    }
    out.send(k.from(), new RepairWant(self, k.session(), k.step(), k.namespace(), k.partition(), shipped, wanted));
  }

  void onHashes(RepairHashes h, long nowMillis, EventualOutput out) {
    RepairSession s = sessions.get(h.session());
    if (s != null && s.onHashes(h, nowMillis, out)) {
      sessions.remove(s.id);
    }
  }

  void onWant(RepairWant w, long nowMillis, EventualOutput out) {
    RepairSession s = sessions.get(w.session());
    if (s != null && s.onWant(w, nowMillis, out, this::ship)) {
      sessions.remove(s.id);
    }
  }

  void tick(long nowMillis, EventualOutput out) {
    for (Iterator<RepairSession> it = sessions.values().iterator(); it.hasNext(); ) {
      if (it.next().tick(nowMillis, out)) {
        it.remove();
      }
    }
  }

  /** Sends this node's current value of the key as a write, which the receiver merges. */
  private boolean ship(String to, String namespace, Bytes key, EventualOutput out) {
    EventualValue now = replica.read(namespace, key);
    if (now.versionOrNull() == null) {
      return false; // purged since the tree was built: nothing to ship
    }
    out.send(to, new QuorumMessage.WriteRequest(self, namespace, key, now));
    return true;
  }

  private MerkleTree tree(String initiator, long session, String namespace, int partition, long nowMillis) {
    return trees.computeIfAbsent(new TreeKey(initiator, session, namespace, partition),
        k -> MerkleTree.of(replica.index().entries(namespace, partition, nowMillis), cutoff(nowMillis)));
  }

  private long cutoff(long nowMillis) {
    return nowMillis - config.tombstoneGraceMillis();
  }
}
