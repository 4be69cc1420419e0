package io.dkv.core.eventual;

import io.dkv.core.eventual.QuorumMessage.RepairHashes;
import io.dkv.core.eventual.QuorumMessage.RepairKeys;
import io.dkv.core.eventual.QuorumMessage.RepairTreeRequest;
import io.dkv.core.eventual.QuorumMessage.RepairWant;
import io.dkv.protocol.Bytes;
import java.util.ArrayList;
import java.util.List;

/**
 * The initiator's side of one anti-entropy session with one other replica of a partition
 * (docs/eventual.md §10): compare the roots' children, descend into the level-1 nodes that
 * differ, then exchange the entries of the differing leaves a few at a time; the responder ships
 * what it holds newer and names the keys it wants, which this side ships. Shipping reads the
 * store at that moment and sends a write, which the receiver merges: a value that changed
 * meanwhile is shipped as it is now, and merge only moves forward, so a session is safe whatever
 * happens during it.
 *
 * <p>One request is outstanding at a time; {@code step} numbers them and a reply is taken only
 * for the current step (late and duplicated replies are dropped). An unanswered request is sent
 * again after {@code retryMillis}, at most {@code maxAttempts} times; then the session fails.
 */
final class RepairSession {
  /** What the session does next, for the driver of this side. */
  interface Shipper {
    /** Sends this node's current value of {@code key} to {@code peer}; false if it holds none. */
    boolean ship(String peer, String namespace, Bytes key, EventualOutput out);
  }

  final long handle;
  final long id;
  final String namespace;
  final int partition;
  final String peer;
  private final String self;
  private final MerkleTree tree;
  private final RepairConfig config;
  private int step;
  private QuorumMessage outstanding;
  private long retryAtMillis;
  private int attempts;
  private List<Integer> differingLeaves = List.of();
  /** Invariant: 0 <= leafCursor <= differingLeaves.size(); leaves before it are exchanged. */
  private int leafCursor;
  private int keysDiffered;
  private int valuesShipped;

  RepairSession(long handle, long id, String self, String namespace, int partition, String peer, MerkleTree tree,
                RepairConfig config) {
    this.handle = handle;
    this.id = id;
    this.self = self;
    this.namespace = namespace;
    this.partition = partition;
    this.peer = peer;
    this.tree = tree;
    this.config = config;
  }

  void start(long nowMillis, EventualOutput out) {
    request(new RepairTreeRequest(self, id, ++step, namespace, partition, 0, List.of(0)), nowMillis, out);
  }

  /** @return true when the session is over (its result is in {@code out}) */
  boolean onHashes(RepairHashes h, long nowMillis, EventualOutput out) {
    if (!isReplyToCurrent(h.step(), h.from())
        || !(outstanding instanceof RepairTreeRequest r) || r.level() != h.level() || !r.indices().equals(h.indices())
        || h.hashes().size() != h.indices().size() * MerkleTree.FANOUT) {
      return false;
    }
    List<Integer> differing = new ArrayList<>();
    for (int i = 0; i < h.indices().size(); i++) {
      long[] mine = tree.children(h.level(), h.indices().get(i));
      for (int c = 0; c < MerkleTree.FANOUT; c++) {
        if (mine[c] != h.hashes().get(i * MerkleTree.FANOUT + c)) {
          differing.add(h.level() == 0 ? c : h.indices().get(i) * MerkleTree.FANOUT + c);
        }
      }
    }
    if (differing.isEmpty()) {
      return finish(out);
    }
    if (h.level() == 0) {
      request(new RepairTreeRequest(self, id, ++step, namespace, partition, 1, differing), nowMillis, out);
      return false;
    }
    differingLeaves = differing;
    return sendNextKeys(nowMillis, out);
  }

  /** @return true when the session is over */
  boolean onWant(RepairWant w, long nowMillis, EventualOutput out, Shipper shipper) {
    if (!isReplyToCurrent(w.step(), w.from()) || !(outstanding instanceof RepairKeys)) {
      return false;
    }
    valuesShipped += w.shipped();
    keysDiffered += w.shipped() + w.keys().size();
    for (Bytes key : w.keys()) {
      if (shipper.ship(peer, namespace, key, out)) {
        valuesShipped++;
      }
    }
    return sendNextKeys(nowMillis, out);
  }

  /** Re-sends the outstanding request when it is due; @return true when the session gave up */
  boolean tick(long nowMillis, EventualOutput out) {
    if (nowMillis < retryAtMillis) {
      return false;
    }
    if (attempts >= config.maxAttempts()) {
      out.reply(new EventualResult.RepairFailed(handle, namespace, partition, peer, "replica " + peer
          + " did not answer step " + step + " (" + outstanding.getClass().getSimpleName() + ") of the repair of "
          + namespace + " partition " + partition + " after " + attempts + " attempts, "
          + config.retryMillis() + " ms apart"));
      return true;
    }
    attempts++;
    retryAtMillis = nowMillis + config.retryMillis();
    out.send(peer, outstanding);
    return false;
  }

  private boolean sendNextKeys(long nowMillis, EventualOutput out) {
    if (leafCursor == differingLeaves.size()) {
      return finish(out);
    }
    List<Integer> leaves = new ArrayList<>();
    List<KeyVersion> entries = new ArrayList<>();
    while (leafCursor < differingLeaves.size()) {
      List<KeyVersion> next = tree.entries(differingLeaves.get(leafCursor));
      if (!leaves.isEmpty() && entries.size() + next.size() > config.maxKeysPerMessage()) {
        break;
      }
      leaves.add(differingLeaves.get(leafCursor++));
      entries.addAll(next);
    }
    request(new RepairKeys(self, id, ++step, namespace, partition, leaves, entries), nowMillis, out);
    return false;
  }

  private boolean finish(EventualOutput out) {
    out.reply(new EventualResult.Repaired(handle, namespace, partition, peer, differingLeaves.size(), keysDiffered,
        valuesShipped));
    return true;
  }

  private void request(QuorumMessage m, long nowMillis, EventualOutput out) {
    outstanding = m;
    attempts = 1;
    retryAtMillis = nowMillis + config.retryMillis();
    out.send(peer, m);
  }

  private boolean isReplyToCurrent(int replyStep, String from) {
    return replyStep == step && from.equals(peer);
  }
}
