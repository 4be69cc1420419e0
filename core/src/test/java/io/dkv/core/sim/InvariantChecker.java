package io.dkv.core.sim;

import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.WriteBatch;
import io.dkv.core.twopc.JournalInspector;
import io.dkv.core.twopc.JournalInspector.DataView;
import io.dkv.core.twopc.JournalInspector.DecisionView;
import io.dkv.core.twopc.JournalInspector.WorkerView;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.PeerMessage;
import io.dkv.protocol.PeerMessage.AbortReason;
import io.dkv.protocol.TxnId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Safety invariants over what is durable, checked at every sync of every node (durable state
 * changes only then; a crash only drops what was never synced):
 * <ul>
 *   <li>atomicity: no transaction is committed (a participant's COMMITTED record or a decision
 *       record) anywhere and aborted or refused anywhere else, ever, and all commits of it agree
 *       on the version;
 *   <li>at most once: a request id commits at one version only (every commit writes its
 *       request-id record in the same atomic batch as its data);
 *   <li>versions only grow: every durable write of a key at a node has a larger version than the
 *       node's previous durable version of it;
 *   <li>one configuration per epoch: every committed transaction was routed with its key's
 *       participants (replicas, learner, leaving nodes) at a configuration epoch of the key, the
 *       one it carried, so two commits routed with the same (key, epoch) have the same
 *       participants (checked once per transaction, at its first durable commit, from the
 *       PREPAREs sent);
 *   <li>acknowledged writes are durable at every participant of the configuration they committed
 *       in: when a client gets OK at version v, every participant of the transaction that
 *       committed its request has durably applied version >= v, or holds a durable PREPARED
 *       record of a transaction that is durably decided COMMIT at version >= v (a request answered
 *       from its dedup record while its commit is still being applied elsewhere);
 *   <li>a promoted learner holds every write acknowledged before its promotion, in the same sense:
 *       with the previous check, every replica a key ever gets holds all its acknowledged writes.
 * </ul>
 */
final class InvariantChecker {
  private record Known(boolean commit, long version, String where) {}

  /** The configuration a transaction's coordinator routed it with, as its PREPAREs carry it. */
  private record Route(List<KeyRoute> writes, List<String> participants) {}

  /** One write's key and the epoch of its partition it was routed by. */
  private record KeyRoute(String key, long epoch) {}

  private final Simulation sim;
  private final String namespace = Workload.NAMESPACE;
  private final Map<TxnId, Known> outcomes = new HashMap<>();
  private final Map<String, Map<Bytes, Long>> durableVersions = new HashMap<>();
  private final Map<TxnId, Route> routes = new HashMap<>();
  /** Key → configuration epoch → the participants of the first commit routed with it. */
  private final Map<String, Map<Long, List<String>>> committedConfigurations = new HashMap<>();
  /** Request id → the version its commit got: the ground truth for writes whose client timed out. */
  final Map<Long, Long> committedRequests = new HashMap<>();
  /** Request id → the transaction that committed it. */
  private final Map<Long, TxnId> committingTxns = new HashMap<>();
  /** Key → the version of its newest acknowledged write. */
  private final Map<String, Long> newestAcknowledged = new HashMap<>();
  long syncsChecked;
  long commitsSeen;
  long abortsSeen;

  InvariantChecker(Simulation sim) {
    this.sim = sim;
  }

  /** Every PREPARE of a transaction, first or re-sent, carries the same route. */
  void onPrepareSent(PeerMessage.Prepare p) {
    Route route = new Route(p.writes().stream().map(w -> new KeyRoute(w.key().toUtf8(), w.epoch())).toList(),
        List.copyOf(p.participants()));
    Route first = routes.putIfAbsent(p.txn(), route);
    if (first != null && !first.equals(route)) {
      throw new AssertionError(p.txn() + " was prepared as " + first + " and as " + route);
    }
  }

  /** Counts the STALE_EPOCH votes that evictions and releases caused (evidence, not an invariant). */
  void onVoteSent(PeerMessage.Vote v) {
    Route route = routes.get(v.txn());
    if (v.reason() != AbortReason.STALE_EPOCH || route == null) {
      return;
    }
    KeyRoute refused = route.writes().get(Math.max(0, v.write()));
    if (v.version() <= refused.epoch()) {
      // The route was current at the voter: it refused a failed condition for want of a lease.
      sim.stats.conditionsRefusedWithoutLease++;
    } else if (!sim.directory.currentSet(refused.key()).participants().containsAll(route.participants())) {
      sim.stats.staleVotesAfterEviction++;
    }
  }

  void onSync(String node, List<WriteBatch.Op> ops) {
    syncsChecked++;
    for (WriteBatch.Op op : ops) {
      if (op.value() == null) {
        continue;
      }
      if (op.cf() == ColumnFamily.JOURNAL && JournalInspector.isWorkerKey(op.key())) {
        WorkerView w = JournalInspector.worker(op.value());
        if (w.committed()) {
          outcome(w.txn(), true, w.version(), node + " (participant)");
        } else if (w.abortedOrRefused()) {
          outcome(w.txn(), false, 0, node + " (participant " + w.phase() + ")");
        }
      } else if (op.cf() == ColumnFamily.JOURNAL && JournalInspector.isDecisionKey(op.key())) {
        DecisionView d = JournalInspector.decision(op.value());
        outcome(d.txn(), d.commit(), d.version(), node + " (coordinator)");
      } else if (op.cf() == ColumnFamily.JOURNAL && JournalInspector.isDedupKey(op.key())) {
        JournalInspector.DedupView d = JournalInspector.dedup(op.key(), op.value());
        Long previous = committedRequests.putIfAbsent(d.requestId(), d.version());
        committingTxns.putIfAbsent(d.requestId(), d.txn());
        if (previous != null && previous != d.version()) {
          throw new AssertionError("request " + d.requestId() + " applied twice: at version " + previous
              + " and, by " + d.txn() + " at " + node + ", at version " + d.version());
        }
      } else if (op.cf() == ColumnFamily.DATA) {
        DataView d = JournalInspector.data(op.key(), op.value());
        Long previous = durableVersions.computeIfAbsent(node, n -> new HashMap<>()).put(d.key(), d.version());
        if (previous != null && d.version() <= previous) {
          throw new AssertionError("versions must grow: " + node + " wrote " + d.key() + " at version "
              + d.version() + " after version " + previous);
        }
      }
    }
  }

  void onWriteAcknowledged(HistoryOp op) {
    TxnId txn = committingTxns.get(op.requestId);
    if (txn == null) {
      throw new AssertionError("acknowledged write " + op + " has no durable request-id record anywhere");
    }
    newestAcknowledged.merge(op.key, op.version, Math::max);
    for (String id : routes.get(txn).participants()) {
      SimNode r = sim.node(id);
      long version = durableVersion(r, op.key);
      if (version < op.version && !preparedToCommit(r, op.key, op.version)) {
        throw new AssertionError("acknowledged write not durable: " + op + " but replica " + r.id
            + " has durable version " + version + " of " + op.key + " and no prepared commit of it");
      }
    }
  }

  /**
   * A learner is promoted: what it copied and what it took part in since the move started must
   * hold every write acknowledged so far, durably, before it serves a read or judges a condition.
   */
  void onPromoted(String key, SimNode learner) {
    long newest = newestAcknowledged.getOrDefault(key, 0L);
    long version = durableVersion(learner, key);
    if (version < newest && !preparedToCommit(learner, key, newest)) {
      throw new AssertionError(learner.id + " was promoted to a replica of " + key + " with durable version "
          + version + ", but version " + newest + " was acknowledged");
    }
  }

  private long durableVersion(SimNode r, String key) {
    byte[] dataKey = JournalInspector.dataKey(namespace, Bytes.utf8(key));
    byte[] data = r.storage.durableGet(ColumnFamily.DATA, dataKey);
    return data == null ? 0 : JournalInspector.data(dataKey, data).version();
  }

  private boolean preparedToCommit(SimNode r, String key, long version) {
    for (Map.Entry<byte[], byte[]> e : r.storage.durableView(ColumnFamily.JOURNAL).entrySet()) {
      if (JournalInspector.isWorkerKey(e.getKey())) {
        WorkerView w = JournalInspector.worker(e.getValue());
        Known k = outcomes.get(w.txn());
        if (w.prepared() && w.keys().contains(Bytes.utf8(key)) && k != null && k.commit() && k.version() >= version) {
          return true;
        }
      }
    }
    return false;
  }

  private void outcome(TxnId txn, boolean commit, long version, String where) {
    Known previous = outcomes.putIfAbsent(txn, new Known(commit, version, where));
    if (previous == null) {
      if (commit) {
        commitsSeen++;
        checkConfiguration(txn);
      } else {
        abortsSeen++;
      }
      return;
    }
    if (previous.commit() != commit || previous.version() != version) {
      throw new AssertionError("atomicity violated for " + txn + ": " + describe(previous.commit(), previous.version())
          + " at " + previous.where() + " but " + describe(commit, version) + " at " + where);
    }
  }

  private void checkConfiguration(TxnId txn) {
    Route route = routes.get(txn);
    if (route == null) {
      throw new AssertionError(txn + " committed, but no PREPARE of it was ever sent");
    }
    for (KeyRoute write : route.writes()) {
      checkConfiguration(txn, write, route.participants());
    }
  }

  private void checkConfiguration(TxnId txn, KeyRoute route, List<String> participants) {
    if (sim.directory.keyEpoch(route.key(), route.epoch()) != route.epoch()) {
      throw new AssertionError(txn + " committed " + route.key() + " under epoch " + route.epoch()
          + ", which is not an epoch of the key's configuration");
    }
    List<String> configured = sim.directory.participants(route.key(), route.epoch());
    // As sets: a transaction of several writes names its participants in one order for all.
    if (!Set.copyOf(configured).equals(Set.copyOf(participants))) {
      throw new AssertionError(txn + " committed " + route.key() + " with participants " + participants
          + " under epoch " + route.epoch() + ", but the key's participants at that epoch are " + configured);
    }
    // Implied by the check above while the directory model keeps its history; this one holds
    // without trusting it.
    List<String> first = committedConfigurations.computeIfAbsent(route.key(), k -> new HashMap<>())
        .putIfAbsent(route.epoch(), participants);
    if (first != null && !Set.copyOf(first).equals(Set.copyOf(participants))) {
      throw new AssertionError("two configurations of " + route.key() + " committed under epoch " + route.epoch()
          + ": " + first + " and, by " + txn + ", " + participants);
    }
    if (!participants.containsAll(sim.directory.initialReplicas(route.key()))) {
      sim.stats.commitsAfterEviction++;
    }
    if (sim.directory.mapAt(route.epoch()).set(sim.directory.partition(route.key())).move() != null) {
      sim.stats.commitsWithLearner++;
    }
  }

  private static String describe(boolean commit, long version) {
    return commit ? "COMMIT@" + version : "ABORT";
  }
}
