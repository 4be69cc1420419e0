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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
 *   <li>a PREPARED record holds the locks of its writes' keys in {@link LockTable} and is tracked by
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
        for (TxnWrite w : rec.writes()) {
          locks.lock(w.key(), rec.txn(), rec.proposedVersion());
        }
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

  /**
   * VOTE-REQUEST: the checks in order, each ending in a durable record and a vote (see the doc).
   * They run write by write; the first write that fails one refuses the whole transaction, and the
   * vote names that write. The proposal is above every one of the keys' versions.
   */
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
    List<TxnWrite> writes = p.writes().stream().map(TxnWrite::of).toList();
    List<String> participants = List.copyOf(p.participants());
    long newest = newestIncarnation.merge(txn.coordinator(), txn.incarnation(), Math::max);
    if (txn.incarnation() < newest) {
      // The coordinator restarted since: it no longer collects votes for this transaction.
      refuse(txn, participants, writes, new Refusal(VoteKind.ABORT, AbortReason.REFUSED, 0), Vote.WHOLE,
          p.from(), nowMillis, out);
      return;
    }
    long proposal = 0;
    Set<DataKey> keys = new HashSet<>();
    for (int i = 0; i < writes.size(); i++) {
      TxnWrite w = writes.get(i);
      DataRecord current = null;
      Refusal refusal = keys.add(w.key()) ? refusalBeforeRead(w) : SAME_KEY_TWICE;
      if (refusal == null) {
        current = journal.readData(w.key());
        refusal = conditionRefusal(w, current);
      }
      if (refusal != null) {
        refuse(txn, participants, writes, refusal, i, p.from(), nowMillis, out);
        return;
      }
      proposal = Math.max(proposal, locks.floor(w.key(), current.version()) + 1);
    }
    WorkerRecord prepared = WorkerRecord.prepared(txn, participants, writes, proposal);
    persist(prepared, out);
    for (TxnWrite w : writes) {
      locks.lock(w.key(), txn, proposal);
    }
    termination.track(txn, self, proposal, nowMillis + config.terminationAfterMillis());
    out.send(new Envelope(p.from(), voteFrom(prepared)));
  }

  /** Why a participant refuses a write: the vote it sends. */
  private record Refusal(VoteKind kind, AbortReason reason, long version) {}

  /** A second write to a key the transaction already writes (no coordinator sends one): as a taken lock. */
  private static final Refusal SAME_KEY_TWICE = new Refusal(VoteKind.ABORT, AbortReason.LOCK_CONFLICT, 0);

  /** The checks of a write that need not read its key's data: the request id, the epoch, the lock. */
  private Refusal refusalBeforeRead(TxnWrite w) {
    DataKey key = w.key();
    DedupRecord dup = journal.readDedup(w.requestId(), key);
    if (dup != null) {
      // The request committed before, maybe through another coordinator. Refusing this new
      // transaction durably (not just voting) keeps "outcome = f(durable participant states)".
      return new Refusal(VoteKind.DUPLICATE, AbortReason.REFUSED, dup.version());
    }
    long partitionEpoch = epochs.epochOf(key.namespace(), key.key());
    if (w.epoch() < partitionEpoch) {
      // Routed by an older configuration of the key's partition: its replica list may lack a
      // replica of the current one. Refused durably, like every refusal.
      return new Refusal(VoteKind.ABORT, AbortReason.STALE_EPOCH, partitionEpoch);
    }
    if (locks.isLocked(key)) {
      return new Refusal(VoteKind.ABORT, AbortReason.LOCK_CONFLICT, 0);
    }
    return null;
  }

  /** The write's condition, judged on the key's committed record {@code current}. */
  private Refusal conditionRefusal(TxnWrite w, DataRecord current) {
    DataKey key = w.key();
    long partitionEpoch = epochs.epochOf(key.namespace(), key.key());
    // Only a replica judges a condition: a learner's data may lack what was committed before its
    // move, a leaving node's what was committed after its release, which it may not have heard of
    // (both found by the simulation). The replicas of the same write judge it. But a write routed
    // with a newer view than this node's may have made it a replica, maybe the only one: then it
    // judges, safely, since a failure is refused as stale below.
    boolean replica = epochs.isReplica(key.namespace(), key.key())
        && epochs.learnerSince(key.namespace(), key.key()) == PartitionEpochs.NOT_LEARNING;
    Conditions.Check check = replica || w.epoch() > partitionEpoch
        ? Conditions.evaluate(w.mutation(), current) : Conditions.Check.OK;
    if (check.ok()) {
      return null;
    }
    if (!readLease || w.epoch() > partitionEpoch) {
      // A failed condition tells the client the key's committed state: a read. Without its lease
      // this replica may have been evicted, and the others may have committed newer versions
      // without it; with a view older than the coordinator's it may have become a learner without
      // knowing it yet. Either way it refuses as a stale configuration, and the client retries.
      return new Refusal(VoteKind.ABORT, AbortReason.STALE_EPOCH, partitionEpoch);
    }
    return new Refusal(VoteKind.ABORT, check.reason(), check.version());
  }

  /** Refuses the transaction durably, then votes so; the vote names the write refused. */
  private void refuse(TxnId txn, List<String> participants, List<TxnWrite> writes, Refusal refusal,
                      int write, String to, long nowMillis, Output out) {
    WorkerRecord rec = WorkerRecord.refused(txn, participants, writes, refusal.kind(), refusal.reason(),
        refusal.version(), write);
    persist(rec, out);
    completion.schedule(txn, nowMillis + config.terminationAfterMillis());
    out.send(new Envelope(to, voteFrom(rec)));
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
    WriteBatch batch = new WriteBatch();
    if (outcome.commit()) {
      for (TxnWrite w : rec.writes()) {
        long committed = journal.readData(w.key()).version();
        if (outcome.version() <= committed) {
          throw new IllegalStateException("2PC invariant violated: " + txn + " commits " + w.key()
              + " at version " + outcome.version() + " but version " + committed + " is committed");
        }
        Journal.putData(batch, w.key(), DataRecord.after(w.mutation(), outcome.version()));
        Journal.putDedup(batch, w.requestId(), w.key(), new DedupRecord(outcome.version(), txn));
        dedup.track(Journal.dedupKey(w.requestId(), w.key()), nowMillis);
      }
    }
    WorkerRecord decided = rec.decided(outcome);
    Journal.putWorker(batch, decided);
    journal.write(batch);
    out.requireSync();
    records.put(txn, decided);
    termination.cancel(txn);
    completion.schedule(txn, byTermination ? nowMillis : nowMillis + config.terminationAfterMillis());
    for (TxnWrite w : rec.writes()) {
      locks.release(w.key(), txn, outcome.version());
      reads.onKeyReleased(w.key(), out);
    }
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
    WorkerRecord rec = WorkerRecord.refused(txn, List.of(asker), List.of(), VoteKind.ABORT, AbortReason.REFUSED, 0, Vote.WHOLE);
    persist(rec, out);
    completion.schedule(txn, nowMillis + config.terminationAfterMillis());
    return reply(txn, TxnState.REFUSED, 0);
  }

  int recordCount() {
    return records.size();
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
      case REFUSED -> new Vote(self, rec.txn(), rec.refusalKind(), rec.refusalReason(), rec.version(), rec.refusedWrite());
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
