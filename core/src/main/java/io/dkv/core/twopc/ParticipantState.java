package io.dkv.core.twopc;

import io.dkv.core.storage.WriteBatch;
import io.dkv.protocol.PeerMessage.AbortReason;
import io.dkv.protocol.PeerMessage.Decision;
import io.dkv.protocol.PeerMessage.Forget;
import io.dkv.protocol.PeerMessage.Prepare;
import io.dkv.protocol.PeerMessage.StatusReply;
import io.dkv.protocol.PeerMessage.TxnState;
import io.dkv.protocol.PeerMessage.Vote;
import io.dkv.protocol.PeerMessage.VoteKind;
import io.dkv.protocol.TxnId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The participant (worker) role: votes on PREPAREs, applies decisions, forgets. The termination
 * and completion timers live in {@link ParticipantTimers}.
 *
 * <p>Invariants:
 * <ul>
 *   <li>{@code records} holds exactly this node's JOURNAL worker records (read at start, then kept
 *       in step with every batch written);
 *   <li>a record moves only (none) → PREPARED → COMMITTED | ABORTED, or (none) → REFUSED, and is
 *       durable before any message that depends on it leaves (every write here requires a sync);
 *   <li>a PREPARED record holds its key's lock in {@link LockTable} and is tracked by
 *       {@link TerminationState}; a decided record is tracked by {@link CompletionState}.
 * </ul>
 */
final class ParticipantState {
  private final String self;
  private final TwoPhaseConfig config;
  private final Journal journal;
  private final LockTable locks;
  private final Tombstones tombstones;
  private final ReadService reads;
  private final DedupWindow dedup;
  private final TerminationState termination = new TerminationState();
  private final CompletionState completion = new CompletionState();
  private final Map<TxnId, WorkerRecord> records = new HashMap<>();
  /** Newest incarnation seen per coordinator: PREPAREs from older incarnations are refused. */
  private final Map<String, Long> newestIncarnation = new HashMap<>();
  private PartitionEpochs epochs = PartitionEpochs.NONE;
  /** Whether this node holds its read lease (see {@link TwoPhaseNode#setReadLease}). */
  private boolean readLease = true;

  ParticipantState(String self, TwoPhaseConfig config, Journal journal, LockTable locks,
                   Tombstones tombstones, ReadService reads, DedupWindow dedup) {
    this.self = self;
    this.config = config;
    this.journal = journal;
    this.locks = locks;
    this.tombstones = tombstones;
    this.reads = reads;
    this.dedup = dedup;
  }

  /**
   * Rebuilds the in-memory state from the journal after a restart: re-takes the locks of PREPARED
   * transactions and asks about them at once (the coordinator may be gone), and finishes decided
   * records if no FORGET comes.
   */
  void recover(long ownIncarnation, long nowMillis) {
    newestIncarnation.put(self, ownIncarnation);
    for (WorkerRecord rec : journal.loadWorkerRecords()) {
      records.put(rec.txn(), rec);
      newestIncarnation.merge(rec.txn().coordinator(), rec.txn().incarnation(), Math::max);
      if (rec.phase() == WorkerPhase.PREPARED) {
        locks.lock(rec.body().key(), rec.txn(), rec.proposedVersion());
        termination.track(rec.txn(), self, rec.proposedVersion(), nowMillis);
      } else {
        completion.schedule(rec.txn(), nowMillis + config.terminationAfterMillis());
      }
    }
    for (byte[] key : journal.loadDedupKeys()) {
      dedup.track(key, nowMillis);
    }
  }

  void setReadLease(boolean valid) {
    this.readLease = valid;
  }

  void configure(PartitionEpochs epochs) {
    this.epochs = epochs;
  }

  PartitionEpochs epochs() {
    return epochs;
  }

  WorkerRecord record(TxnId txn) {
    return records.get(txn);
  }

  TerminationState termination() {
    return termination;
  }

  CompletionState completion() {
    return completion;
  }

  /** VOTE-REQUEST: the checks in order, each ending in a durable record and a vote (see the doc). */
  void onPrepare(Prepare p, long nowMillis, Output out) {
    TxnId txn = p.txn();
    WorkerRecord existing = records.get(txn);
    if (existing != null) {
      out.send(new Envelope(p.from(), voteFrom(existing)));
      return;
    }
    Tombstones.Tombstone t = tombstones.get(txn);
    if (t != null) {
      out.send(new Envelope(p.from(), voteFrom(txn, t.outcome())));
      return;
    }
    TxnBody body = new TxnBody(p.epoch(), new DataKey(p.namespace(), p.key()), p.mutation(), p.requestId());
    List<String> participants = List.copyOf(p.participants());
    long newest = newestIncarnation.merge(txn.coordinator(), txn.incarnation(), Math::max);
    if (txn.incarnation() < newest) {
      // The coordinator restarted since: it no longer collects votes for this transaction.
      refuse(txn, participants, body, VoteKind.ABORT, AbortReason.REFUSED, 0, p.from(), nowMillis, out);
      return;
    }
    DedupRecord dup = journal.readDedup(p.requestId(), body.key());
    if (dup != null) {
      // The request committed before, maybe through another coordinator. Refusing this new
      // transaction durably (not just voting) keeps "outcome = f(durable participant states)".
      refuse(txn, participants, body, VoteKind.DUPLICATE, AbortReason.REFUSED, dup.version(), p.from(), nowMillis, out);
      return;
    }
    long partitionEpoch = epochs.epochOf(p.namespace(), p.key());
    if (p.epoch() < partitionEpoch) {
      // Routed by an older configuration of the key's partition: its replica list may lack a
      // replica of the current one. Refused durably, like every refusal.
      refuse(txn, participants, body, VoteKind.ABORT, AbortReason.STALE_EPOCH, partitionEpoch, p.from(), nowMillis, out);
      return;
    }
    if (locks.isLocked(body.key())) {
      refuse(txn, participants, body, VoteKind.ABORT, AbortReason.LOCK_CONFLICT, 0, p.from(), nowMillis, out);
      return;
    }
    DataRecord current = journal.readData(body.key());
    // Only a replica judges a condition: a learner's data may lack what was committed before its
    // move, a leaving node's what was committed after its release, which it may not have heard of
    // (both found by the simulation). The replicas of the same write judge it. But a write routed
    // with a newer view than this node's may have made it a replica, maybe the only one: then it
    // judges, safely, since a failure is refused as stale below.
    boolean replica = epochs.isReplica(p.namespace(), p.key())
        && epochs.learnerSince(p.namespace(), p.key()) == PartitionEpochs.NOT_LEARNING;
    Conditions.Check check = replica || p.epoch() > partitionEpoch
        ? Conditions.evaluate(p.mutation(), current) : Conditions.Check.OK;
    if (!check.ok() && (!readLease || p.epoch() > partitionEpoch)) {
      // A failed condition tells the client the key's committed state: a read. Without its lease
      // this replica may have been evicted, and the others may have committed newer versions
      // without it; with a view older than the coordinator's it may have become a learner without
      // knowing it yet. Either way it refuses as a stale configuration, and the client retries.
      refuse(txn, participants, body, VoteKind.ABORT, AbortReason.STALE_EPOCH, partitionEpoch, p.from(), nowMillis, out);
      return;
    }
    if (!check.ok()) {
      refuse(txn, participants, body, VoteKind.ABORT, check.reason(), check.version(), p.from(), nowMillis, out);
      return;
    }
    long proposal = locks.floor(body.key(), current.version()) + 1;
    WorkerRecord prepared = WorkerRecord.prepared(txn, participants, body, proposal);
    persist(prepared, out);
    locks.lock(body.key(), txn, proposal);
    termination.track(txn, self, proposal, nowMillis + config.terminationAfterMillis());
    out.send(new Envelope(p.from(), voteFrom(prepared)));
  }

  /** GLOBAL-COMMIT / GLOBAL-ABORT: applies it if prepared here; never applies twice. */
  void onDecision(Decision d, long nowMillis, Output out) {
    WorkerRecord rec = records.get(d.txn());
    Outcome outcome = d.commit() ? Outcome.commitAt(d.version()) : Outcome.ABORT;
    if (rec == null) {
      return;
    }
    if (rec.phase() == WorkerPhase.PREPARED) {
      apply(rec, outcome, false, nowMillis, out);
    } else {
      requireSameOutcome(rec, outcome, "a decision from " + d.from());
    }
  }

  /**
   * Applies the outcome to a PREPARED record: for a commit, the data, the request-id record and
   * the journal state go in one atomic batch. Releases the lock and answers parked reads.
   *
   * @param byTermination this node learned the outcome itself and now finishes the transaction
   */
  void apply(WorkerRecord rec, Outcome outcome, boolean byTermination, long nowMillis, Output out) {
    TxnId txn = rec.txn();
    DataKey key = rec.body().key();
    WriteBatch batch = new WriteBatch();
    if (outcome.commit()) {
      long committed = journal.readData(key).version();
      if (outcome.version() <= committed) {
        throw new IllegalStateException("2PC invariant violated: " + txn + " commits " + key
            + " at version " + outcome.version() + " but version " + committed + " is committed");
      }
      Journal.putData(batch, key, DataRecord.after(rec.body().mutation(), outcome.version()));
      Journal.putDedup(batch, rec.body().requestId(), key, new DedupRecord(outcome.version(), txn));
      dedup.track(Journal.dedupKey(rec.body().requestId(), key), nowMillis);
    }
    WorkerRecord decided = rec.decided(outcome);
    Journal.putWorker(batch, decided);
    journal.write(batch);
    out.requireSync();
    records.put(txn, decided);
    locks.release(key, txn, outcome.version());
    termination.cancel(txn);
    completion.schedule(txn, byTermination ? nowMillis : nowMillis + config.terminationAfterMillis());
    reads.onKeyReleased(key, out);
  }

  /** FORGET: every participant applied the decision; drop the record, keep a tombstone. */
  void onForget(Forget f, long nowMillis) {
    WorkerRecord rec = records.get(f.txn());
    if (rec != null && rec.phase() == WorkerPhase.PREPARED) {
      // Prepared by a PREPARE that was in flight when this node acknowledged an abort without a
      // record; only an aborted transaction can get here, and termination will abort it.
      return;
    }
    forget(f.txn(), rec, nowMillis);
  }

  /** Deletes a decided record (no sync needed: a record that comes back is finished again). */
  void forget(TxnId txn, WorkerRecord rec, long nowMillis) {
    if (rec != null) {
      WriteBatch batch = new WriteBatch();
      Journal.deleteWorker(batch, txn);
      journal.write(batch);
      records.remove(txn);
      completion.cancel(txn);
    }
    tombstones.add(txn, rec == null ? null : rec.outcome(), nowMillis);
  }

  /** This participant's answer to a termination query, or null if it has no record or tombstone. */
  StatusReply statusOf(TxnId txn) {
    WorkerRecord rec = records.get(txn);
    if (rec != null) {
      return switch (rec.phase()) {
        case PREPARED -> reply(txn, TxnState.PREPARED, rec.proposedVersion());
        case COMMITTED -> reply(txn, TxnState.COMMITTED, rec.version());
        case ABORTED -> reply(txn, TxnState.ABORTED, 0);
        case REFUSED -> reply(txn, TxnState.REFUSED, 0);
      };
    }
    Tombstones.Tombstone t = tombstones.get(txn);
    if (t == null) {
      return null;
    }
    if (t.outcome() == null) {
      return reply(txn, TxnState.FORGOTTEN, 0);
    }
    return t.outcome().commit() ? reply(txn, TxnState.COMMITTED, t.outcome().version())
                                : reply(txn, TxnState.ABORTED, 0);
  }

  /**
   * A termination query about a transaction this participant never saw: refuse it durably first,
   * so that it can never prepare it afterwards, then answer REFUSED.
   */
  StatusReply refuseUnknown(TxnId txn, String asker, long nowMillis, Output out) {
    WorkerRecord rec = WorkerRecord.refused(txn, List.of(asker), null, VoteKind.ABORT, AbortReason.REFUSED, 0);
    persist(rec, out);
    completion.schedule(txn, nowMillis + config.terminationAfterMillis());
    return reply(txn, TxnState.REFUSED, 0);
  }

  int recordCount() {
    return records.size();
  }

  private void refuse(TxnId txn, List<String> participants, TxnBody body, VoteKind kind,
                      AbortReason reason, long version, String to, long nowMillis, Output out) {
    WorkerRecord rec = WorkerRecord.refused(txn, participants, body, kind, reason, version);
    persist(rec, out);
    completion.schedule(txn, nowMillis + config.terminationAfterMillis());
    out.send(new Envelope(to, voteFrom(rec)));
  }

  private void persist(WorkerRecord rec, Output out) {
    WriteBatch batch = new WriteBatch();
    Journal.putWorker(batch, rec);
    journal.write(batch);
    out.requireSync();
    records.put(rec.txn(), rec);
  }

  /**
   * The vote a record implies. DUPLICATE with reason NONE means "this very transaction committed
   * here"; DUPLICATE with reason REFUSED means "another transaction of this request id committed,
   * and this one is durably refused".
   */
  Vote voteFrom(WorkerRecord rec) {
    return switch (rec.phase()) {
      case PREPARED -> new Vote(self, rec.txn(), VoteKind.COMMIT, AbortReason.NONE, rec.proposedVersion());
      case REFUSED -> new Vote(self, rec.txn(), rec.refusalKind(), rec.refusalReason(), rec.version());
      case COMMITTED -> new Vote(self, rec.txn(), VoteKind.DUPLICATE, AbortReason.NONE, rec.version());
      case ABORTED -> new Vote(self, rec.txn(), VoteKind.ABORT, AbortReason.REFUSED, 0);
    };
  }

  /** The vote for a transaction decided without a record here ({@code outcome} null: unknown). */
  Vote voteFrom(TxnId txn, Outcome outcome) {
    return outcome != null && outcome.commit()
        ? new Vote(self, txn, VoteKind.DUPLICATE, AbortReason.NONE, outcome.version())
        : new Vote(self, txn, VoteKind.ABORT, AbortReason.REFUSED, 0);
  }

  static void requireSameOutcome(WorkerRecord rec, Outcome outcome, String source) {
    if (!rec.outcome().equals(outcome)) {
      throw new IllegalStateException("2PC invariant violated: " + rec.txn() + " is " + rec.phase()
          + " (" + rec.outcome() + ") here but " + source + " says " + outcome);
    }
  }

  private StatusReply reply(TxnId txn, TxnState state, long version) {
    return new StatusReply(self, txn, state, version);
  }
}
