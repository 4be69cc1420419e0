package io.dkv.core.eventual;

import io.dkv.core.codec.RecordWriter;
import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.Storage;
import io.dkv.core.storage.WriteBatch;
import io.dkv.protocol.Bytes;

/**
 * The replica role of eventual namespaces: merges versioned writes into what the store holds and
 * answers reads with it.
 *
 * <p>A write is merged ({@link EventualValue#merge}) with the stored value; only if it is newer is
 * the store written, and the step then asks for a sync. The acknowledgement says "this replica
 * holds the version or something newer" and, by the output contract, leaves only after that is
 * durable: after this step's sync, or after the sync of the earlier step that wrote the newer
 * value. Merge being idempotent, the same versioned write arriving twice (a duplicate, a
 * coordinator's re-send, a retry sent under its first version, a read repair) changes nothing the
 * second time; no request-id record is needed here.
 *
 * <p>A write whose version is more than the configured drift ahead of this node's clock is refused
 * ({@link QuorumMessage.WriteRefused}): it would win every merge for that long, and drag this
 * node's clock with it.
 *
 * <p>Layout: column family EVENTUAL, key {@code u16 namespace length | namespace (UTF-8) | key}
 * (the layout of the two-phase-commit core's DATA keys, so one prefix covers a namespace's keys
 * in either family), value {@link StoredValue}. The namespace is the name the store knows it by.
 */
final class QuorumReplica {
  private final String self;
  private final HybridClock clock;
  private final Storage storage;
  private final NamespaceIndex index;

  /** A replica whose index puts every key in partition 0. */
  QuorumReplica(String self, HybridClock clock, Storage storage) {
    this(self, clock, storage, new NamespaceIndex(storage, KeyPartitioner.SINGLE));
  }

  QuorumReplica(String self, HybridClock clock, Storage storage, NamespaceIndex index) {
    this.self = self;
    this.clock = clock;
    this.storage = storage;
    this.index = index;
  }

  /** What this replica holds, partition by partition, for anti-entropy and the purge. */
  NamespaceIndex index() {
    return index;
  }

  void onWrite(QuorumMessage.WriteRequest m, long nowMillis, EventualOutput out) {
    HybridTimestamp version = m.value().versionOrNull();
    String problem = clock.driftProblem(version, nowMillis);
    if (problem != null) {
      out.send(m.from(), new QuorumMessage.WriteRefused(self, m.namespace(), m.key(), version, problem));
      return;
    }
    clock.receive(version, nowMillis);
    byte[] dataKey = dataKey(m.namespace(), m.key());
    EventualValue stored = StoredValue.decode(storage.get(ColumnFamily.EVENTUAL, dataKey));
    if (!stored.covers(m.value())) {
      storage.write(new WriteBatch().put(ColumnFamily.EVENTUAL, dataKey, StoredValue.encode(m.value())));
      index.changed(m.namespace());
      out.requireSync();
    }
    out.send(m.from(), new QuorumMessage.WriteAck(self, m.namespace(), m.key(), version));
  }

  /**
   * Merges copied entries in one batch; answered once it is durable. Their versions advance this
   * node's clock as a write's do, but one too far ahead is stored all the same: the source
   * accepted it, and a copy is not a new write.
   */
  void install(EventualCommand.Install c, long nowMillis, EventualOutput out) {
    WriteBatch batch = new WriteBatch();
    int stored = 0;
    for (StoredEntry e : c.entries()) {
      HybridTimestamp version = e.value().versionOrNull();
      if (clock.withinDrift(version, nowMillis)) {
        clock.receive(version, nowMillis);
      }
      byte[] dataKey = dataKey(e.namespace(), e.key());
      if (!StoredValue.decode(storage.get(ColumnFamily.EVENTUAL, dataKey)).covers(e.value())) {
        batch.put(ColumnFamily.EVENTUAL, dataKey, StoredValue.encode(e.value()));
        index.changed(e.namespace());
        stored++;
      }
    }
    if (stored > 0) {
      storage.write(batch);
      out.requireSync();
    }
    out.reply(new EventualResult.Installed(c.handle(), stored));
  }

  void onRead(QuorumMessage.ReadRequest m, EventualOutput out) {
    out.send(m.from(), new QuorumMessage.ReadReply(self, m.readId(), m.namespace(), m.key(),
        read(m.namespace(), m.key())));
  }

  /** What this replica holds for the key (visible, perhaps not yet durable). */
  EventualValue read(String namespace, Bytes key) {
    return StoredValue.decode(storage.get(ColumnFamily.EVENTUAL, dataKey(namespace, key)));
  }

  static byte[] dataKey(String namespace, Bytes key) {
    return new RecordWriter().string(namespace).raw(key.unsafeArray()).toByteArray();
  }
}
