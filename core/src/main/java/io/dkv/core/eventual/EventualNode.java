package io.dkv.core.eventual;

import io.dkv.core.storage.Storage;
import io.dkv.protocol.Bytes;
import java.util.Set;
import java.util.List;

/**
 * One node's core for eventual namespaces: coordinator of the requests it receives
 * ({@link QuorumCoordinator}), replica of the keys it holds ({@link QuorumReplica}), both on one
 * {@link HybridClock}, and holder of hints for other nodes' replicas ({@link HintStore}). A pure
 * state machine like {@link io.dkv.core.twopc.TwoPhaseNode}: input enters as {@link #onClient},
 * {@link #onMessage} and {@link #tick}; what it asks of the world leaves as an
 * {@link EventualOutput}. It reads no clock, draws no random numbers, starts no threads and does
 * no I/O but through the {@link Storage} port.
 *
 * <p>Time. {@code nowMillis} is this node's wall clock, milliseconds since the Unix epoch: the
 * hybrid clock needs physical time to keep versions close to it, and deadlines use the same
 * clock. If the wall clock steps back, versions stay monotonic (the HLC) and timers fire late by
 * the step; if it steps forward, deadlines fire early.
 *
 * <p>Driver contract. From one thread at a time: every step writes its batches to storage itself
 * (visible at once, durable only after {@code Storage.sync()}); the driver must sync when
 * {@link EventualOutput#syncNeeded()} and only then send the step's messages, deliver its
 * results and start its repairs. Outputs leave in step order, none before every sync requested
 * by it or by an earlier step has completed; merging steps under one sync is allowed.
 * Self-addressed envelopes must be delivered back to this node like any other message. A reply
 * to a node that has restarted since the request left must be dropped (as a TCP connection that
 * died with the process does), or each process must start its read ids elsewhere
 * ({@link #EventualNode(String, Storage, EventualConfig, long)}): otherwise a reply to the previous
 * process's read of the same key would be taken for the new one's. Call {@link #tick} every 10-50 ms. A
 * {@link io.dkv.core.storage.StorageException} or
 * {@link io.dkv.core.twopc.CorruptRecordException} from any method means the node must stop.
 *
 * <p>The design and what it guarantees: docs/eventual.md.
 */
public final class EventualNode {
  private final QuorumCoordinator coordinator;
  private final QuorumReplica replica;
  private final HintStore hints;
  private final AntiEntropy antiEntropy;
  private final TombstonePurger purger;

  /** A node whose read ids start at 1 (a driver that drops replies to earlier processes). */
  public EventualNode(String nodeId, Storage storage, EventualConfig config) {
    this(nodeId, storage, config, 1);
  }

  /**
   * @param firstReadId the id of this process's first read; later reads count up from it. A driver
   *                    that cannot tell a reply to an earlier process of this node (one-way
   *                    messages over a network) starts each process at a random point of the
   *                    64-bit space, so that such a reply names no read of this one
   */
  public EventualNode(String nodeId, Storage storage, EventualConfig config, long firstReadId) {
    this(nodeId, storage, config, firstReadId, KeyPartitioner.SINGLE, RepairConfig.defaults());
  }

  /**
   * A node that also repairs (docs/eventual.md §10).
   *
   * @param firstId     where this process's read ids and repair session ids start (see above)
   * @param partitioner the placement of keys in partitions, which a partition's Merkle tree needs
   * @throws IllegalArgumentException if the tombstone grace period does not exceed the request
   *     window (a retry is sent under its first version for that long) and the time a hint may
   *     live (the handoff timeout plus the maximum hint age): either would bring back a value whose
   *     tombstone was purged
   */
  public EventualNode(String nodeId, Storage storage, EventualConfig config, long firstId,
                      KeyPartitioner partitioner, RepairConfig repair) {
    if (repair.tombstoneGraceMillis() <= config.requestWindowMillis()) {
      throw new IllegalArgumentException("the tombstone grace period (" + repair.tombstoneGraceMillis()
          + " ms) must exceed the request window (" + config.requestWindowMillis() + " ms): a write retried"
          + " under its first version within the window would bring back a value whose tombstone was purged");
    }
    long hintLifetime = config.hints().handoffTimeoutMillis() + config.hints().maxHintAgeMillis();
    if (repair.tombstoneGraceMillis() <= hintLifetime) {
      throw new IllegalArgumentException("the tombstone grace period (" + repair.tombstoneGraceMillis()
          + " ms) must exceed the handoff timeout plus the maximum hint age (" + hintLifetime + " ms): a hint"
          + " delivered later than the grace period would bring back a value whose tombstone was purged");
    }
    HybridClock clock = new HybridClock(nodeId, config.maxClockDriftMillis());
    ClockCeiling ceiling = new ClockCeiling(storage, config.maxClockDriftMillis() / 2);
    if (ceiling.ceiling() > 0) {
      clock.startAbove(ceiling.ceiling());
    }
    this.coordinator = new QuorumCoordinator(nodeId, config, clock, ceiling, firstId);
    this.replica = new QuorumReplica(nodeId, clock, storage,
        new NamespaceIndex(storage, partitioner));
    // Reads the index of the hints this node holds from storage, so that their delivery resumes.
    this.hints = new HintStore(nodeId, storage, config.hints());
    this.antiEntropy = new AntiEntropy(nodeId, repair, replica, firstId);
    this.purger = new TombstonePurger(nodeId, storage, repair, replica);
  }

  /** A client's write or read, coordinated here, or a copy to install here. */
  public EventualOutput onClient(EventualCommand c, long nowMillis) {
    EventualOutput out = new EventualOutput();
    switch (c) {
      case EventualCommand.Write w -> coordinator.onWrite(w, nowMillis, out);
      case EventualCommand.Read r -> coordinator.onRead(r, nowMillis, out);
      case EventualCommand.Install i -> replica.install(i, nowMillis, out);
      case EventualCommand.Repair r -> antiEntropy.start(r, nowMillis, out);
    }
    return out;
  }

  /** A message from a peer (or from this node to itself). */
  public EventualOutput onMessage(QuorumMessage m, long nowMillis) {
    EventualOutput out = new EventualOutput();
    switch (m) {
      case QuorumMessage.WriteRequest w -> replica.onWrite(w, nowMillis, out);
      case QuorumMessage.WriteAck a -> {
        coordinator.onWriteAck(a, nowMillis, out);
        hints.onWriteAck(a, nowMillis);
      }
      case QuorumMessage.WriteRefused r -> coordinator.onWriteRefused(r, nowMillis, out);
      case QuorumMessage.ReadRequest r -> replica.onRead(r, out);
      case QuorumMessage.ReadReply r -> coordinator.onReadReply(r, nowMillis, out);
      case QuorumMessage.HintedWrite h -> hints.onHintedWrite(h, nowMillis, out);
      case QuorumMessage.HintAck a -> coordinator.onHintAck(a, nowMillis, out);
      case QuorumMessage.RepairTreeRequest r -> antiEntropy.onTreeRequest(r, nowMillis, out);
      case QuorumMessage.RepairHashes h -> antiEntropy.onHashes(h, nowMillis, out);
      case QuorumMessage.RepairKeys k -> antiEntropy.onKeys(k, nowMillis, out);
      case QuorumMessage.RepairWant w -> antiEntropy.onWant(w, nowMillis, out);
      case QuorumMessage.PurgeRequest r -> purger.onRequest(r, out);
      case QuorumMessage.PurgeReply r -> purger.onReply(r, nowMillis, out);
    }
    return out;
  }

  /**
   * Timers: retries, handoffs and deadlines of requests and repair sessions under way, expiry of
   * remembered request ids, delivery and expiry of the hints this node holds.
   */
  public EventualOutput tick(long nowMillis) {
    EventualOutput out = new EventualOutput();
    coordinator.tick(nowMillis, out);
    hints.tick(nowMillis, out);
    antiEntropy.tick(nowMillis, out);
    replica.index().forgetIdle(nowMillis);
    return out;
  }

  /**
   * One round of tombstone purge for {@code partition} of {@code namespace} (docs/eventual.md §10):
   * checks, or purges, the tombstones this node holds there past the grace period. The driver
   * calls it on a schedule for every partition this node replicates, with the partition's current
   * replicas, and not while the partition is moving (a replica joining would be missed).
   */
  public EventualOutput purgeTombstones(String namespace, int partition, List<String> replicas, long nowMillis) {
    EventualOutput out = new EventualOutput();
    purger.round(namespace, partition, replicas, nowMillis, out);
    return out;
  }

  /**
   * Drops the hints held for nodes that have left the cluster (they would otherwise wait for their
   * maximum age). The deletions need no sync: a hint that survives a crash is dropped again.
   */
  public void dropHintsFor(Set<String> removedNodes) {
    hints.dropHintsFor(removedNodes);
  }

  /** What this node's hint holder holds and has done since the process started. */
  public HintStats hintStats() {
    return hints.stats();
  }

  /** What this node's replica holds for the key: visible, perhaps not yet durable. */
  public EventualValue read(String namespace, Bytes key) {
    return replica.read(namespace, key);
  }
}
