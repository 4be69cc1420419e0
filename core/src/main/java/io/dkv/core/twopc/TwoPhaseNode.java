package io.dkv.core.twopc;

import io.dkv.core.storage.Storage;
import io.dkv.core.storage.WriteBatch;
import io.dkv.protocol.PeerMessage;
import io.dkv.protocol.PeerMessage.Ack;
import io.dkv.protocol.PeerMessage.Decision;
import io.dkv.protocol.PeerMessage.Forget;
import io.dkv.protocol.PeerMessage.Prepare;
import io.dkv.protocol.PeerMessage.StatusQuery;
import io.dkv.protocol.PeerMessage.StatusReply;
import io.dkv.protocol.PeerMessage.TxnState;
import io.dkv.protocol.PeerMessage.Vote;
import io.dkv.protocol.TxnId;
import java.util.ArrayList;
import java.util.List;

/**
 * One node's two-phase-commit core: coordinator of the writes it receives, participant (worker)
 * of the keys it replicates, reader of its own replica. A pure state machine in the style of
 * etcd's raft {@code RawNode}: input enters as {@link #onClient}, {@link #onMessage} and
 * {@link #tick}; everything it asks of the world leaves as an {@link Output}. It reads no clock
 * (time is {@code nowMillis}, from any monotonic source), draws no random numbers, starts no
 * threads, and does no I/O but through the {@link Storage} port.
 *
 * <p>Driver contract. Call {@link #start} once, before anything else. Then, from one thread at a
 * time: every step writes its batches to storage itself (visible at once, durable only after
 * {@code Storage.sync()}); the driver must sync when {@link Output#syncNeeded()} and only then send
 * the step's messages and deliver its results. Outputs must leave in step order, and none before
 * every sync requested by it or by an earlier step has completed (a later step may answer from
 * what an earlier step wrote). Merging many steps under one sync (group commit) is allowed.
 * Self-addressed envelopes must be delivered back to this node like any other message. Call
 * {@link #tick} every 10-50 ms. A {@link io.dkv.core.storage.StorageException} or an
 * {@link IllegalStateException} from any method means the node must stop.
 *
 * <p>The protocol, its journal records and its safety argument: docs/two-phase-commit.md.
 */
public final class TwoPhaseNode {
  /** Dedup records deleted per tick at most: bounds the work of one step. */
  private static final int MAX_DEDUP_DELETES_PER_TICK = 1_000;

  private final String nodeId;
  private final TwoPhaseConfig config;
  private final Journal journal;
  private final LockTable locks = new LockTable();
  private final Tombstones tombstones;
  private final DedupWindow dedup;
  private final ReadService reads;
  private final CoordinatorState coordinator;
  private final ParticipantState participant;
  private final ParticipantTimers timers;
  private final PartitionCopier copier;
  private long incarnation;
  private volatile NodeStats stats = new NodeStats(0, 0, 0, 0, 0, 0, 0);

  public TwoPhaseNode(String nodeId, Storage storage, TwoPhaseConfig config) {
    if (nodeId == null || nodeId.isEmpty()) {
      throw new IllegalArgumentException("nodeId must be a non-empty string");
    }
    this.nodeId = nodeId;
    this.config = config;
    this.journal = new Journal(storage);
    this.tombstones = new Tombstones(config.tombstoneTtlMillis());
    this.dedup = new DedupWindow(config.dedupWindowMillis());
    this.reads = new ReadService(journal, locks);
    this.coordinator = new CoordinatorState(nodeId, config, journal);
    this.participant = new ParticipantState(nodeId, config, journal, locks, tombstones, reads, dedup);
    this.timers = new ParticipantTimers(nodeId, config, participant, coordinator::isActive);
    this.copier = new PartitionCopier(journal, locks, participant, dedup);
  }

  /**
   * Crash recovery: durably bumps this node's incarnation (the output requires a sync, so nothing
   * of this process leaves before it is durable), re-takes the locks of PREPARED transactions and
   * starts their termination at once, and re-sends every logged decision.
   */
  public Output start(long nowMillis) {
    if (incarnation != 0) {
      throw new IllegalStateException("start() was already called");
    }
    Output out = new Output();
    incarnation = journal.readIncarnation() + 1;
    WriteBatch batch = new WriteBatch();
    Journal.putIncarnation(batch, incarnation);
    journal.write(batch);
    out.requireSync();
    participant.recover(incarnation, nowMillis);
    coordinator.recover(incarnation, nowMillis, out);
    return publish(out);
  }

  /**
   * The partition epochs of this node's newest view of the directory: from now on a PREPARE
   * routed with an older epoch for its key's partition is refused (vote ABORT, STALE_EPOCH, so the
   * client refreshes its map and retries). Not a step: it writes and sends nothing.
   */
  public void configure(PartitionEpochs epochs) {
    participant.configure(epochs);
  }

  /**
   * Whether this node holds its read lease now (true until told otherwise). Without it, a
   * participant whose check of a write's condition fails refuses the PREPARE as STALE_EPOCH
   * instead of voting CONDITION_FAILED or NOT_FOUND: that vote reports the key's committed state
   * to the client, and a replica without a lease may have been evicted while the others went on
   * writing ({@code docs/directory.md} §8). Not a step: it writes and sends nothing.
   */
  public void setReadLease(boolean valid) {
    participant.setReadLease(valid);
  }

  /**
   * A client's write (coordinated here) or read (served from this node's replica), or a learner's
   * copy request to this replica or install of what it copied (docs/directory.md §9).
   */
  public Output onClient(ClientCommand c, long nowMillis) {
    return onClients(List.of(c), nowMillis);
  }

  /**
   * Several client commands in one step, in order, except that the writes among them start
   * together: those with the same participants share transactions (docs/two-phase-commit.md §14).
   * A driver hands over every command waiting, so that under load one transaction carries many.
   */
  public Output onClients(List<ClientCommand> commands, long nowMillis) {
    requireStarted();
    Output out = new Output();
    List<ClientCommand.Write> writes = new ArrayList<>();
    for (ClientCommand c : commands) {
      switch (c) {
        case ClientCommand.Write w -> writes.add(w);
        case ClientCommand.Read r -> reads.onRead(r, nowMillis, out);
        case ClientCommand.Copy copy -> copier.copy(copy, out);
        case ClientCommand.Install install -> copier.install(install, nowMillis, out);
      }
    }
    if (!writes.isEmpty()) {
      coordinator.onWrites(writes, nowMillis, out);
    }
    return publish(out);
  }

  /** A message from a peer (or from this node to itself). */
  public Output onMessage(PeerMessage m, long nowMillis) {
    requireStarted();
    Output out = new Output();
    switch (m) {
      case Prepare p -> onPrepare(p, nowMillis, out);
      case Vote v -> coordinator.onVote(v, nowMillis, out);
      case Decision d -> {
        participant.onDecision(d, nowMillis, out);
        coordinator.onDecision(d, nowMillis, out);
        // After the steps above nothing here is prepared for it and no vote is collected for it.
        out.send(new Envelope(d.from(), new Ack(nodeId, d.txn())));
      }
      case Ack a -> {
        coordinator.onAck(a, out);
        timers.onAck(a, nowMillis, out);
      }
      case StatusQuery q -> onStatusQuery(q, nowMillis, out);
      case StatusReply r -> timers.onStatusReply(r, nowMillis, out);
      case Forget f -> {
        coordinator.onForget(f, out);
        participant.onForget(f, nowMillis);
      }
    }
    return publish(out);
  }

  /** Timers: retries, termination, finishing, deadlines, expiry. */
  public Output tick(long nowMillis) {
    requireStarted();
    Output out = new Output();
    coordinator.tick(nowMillis, out);
    timers.tick(nowMillis, out);
    reads.expire(nowMillis, out);
    tombstones.expire(nowMillis);
    WriteBatch batch = new WriteBatch();
    dedup.expire(nowMillis, batch, MAX_DEDUP_DELETES_PER_TICK);
    journal.write(batch);
    return publish(out);
  }

  /** Counters as of the end of the last step; safe to call from any thread. */
  public NodeStats stats() {
    return stats;
  }

  public String nodeId() {
    return nodeId;
  }

  /**
   * The prefix of every DATA column-family key of namespace {@code storageName}, for work on a
   * whole namespace outside the core (freeing a dropped one's space).
   */
  public static byte[] dataPrefix(String storageName) {
    return DataKey.namespacePrefix(storageName);
  }

  private void onPrepare(Prepare p, long nowMillis, Output out) {
    if (!p.participants().contains(nodeId)) {
      // Misrouted: voting would make this node count as a participant it is not. No vote.
      return;
    }
    Outcome decided = coordinator.decision(p.txn());
    if (decided != null && participant.record(p.txn()) == null) {
      // A PREPARE of a transaction this node already decided as coordinator (re-sent by a
      // participant in termination): answer with the decision, never prepare it now.
      out.send(new Envelope(p.from(), participant.voteFrom(p.txn(), decided)));
      return;
    }
    participant.onPrepare(p, nowMillis, out);
  }

  /**
   * A termination query. The coordinator's decision is the most useful answer, then this node's
   * participant record or tombstone, then "still collecting votes". A node that knows nothing
   * refuses durably, except the transaction's coordinator: it cannot tell whether it is a
   * participant, and a non-participant must never refuse (the outcome is a function of the
   * participants' states alone), so it stays silent; the asker's re-sent PREPARE settles it.
   */
  private void onStatusQuery(StatusQuery q, long nowMillis, Output out) {
    StatusReply reply = statusReply(q, nowMillis, out);
    if (reply != null) {
      out.send(new Envelope(q.from(), reply));
    }
  }

  private StatusReply statusReply(StatusQuery q, long nowMillis, Output out) {
    TxnId txn = q.txn();
    Outcome decided = coordinator.decision(txn);
    if (decided != null) {
      return decided.commit() ? new StatusReply(nodeId, txn, TxnState.COMMITTED, decided.version())
                              : new StatusReply(nodeId, txn, TxnState.ABORTED, 0);
    }
    StatusReply fromRecord = participant.statusOf(txn);
    if (fromRecord != null) {
      return fromRecord;
    }
    if (coordinator.isCollecting(txn)) {
      return new StatusReply(nodeId, txn, TxnState.UNDECIDED, 0);
    }
    if (txn.coordinator().equals(nodeId)) {
      return null;
    }
    return participant.refuseUnknown(txn, q.from(), nowMillis, out);
  }

  private void requireStarted() {
    if (incarnation == 0) {
      throw new IllegalStateException("call start() before anything else");
    }
  }

  private Output publish(Output out) {
    stats = new NodeStats(coordinator.size(), locks.size(), participant.termination().size(),
        participant.recordCount(), reads.size(), tombstones.size(), incarnation);
    return out;
  }
}
