package io.dkv.core.eventual;

import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.Storage;
import io.dkv.protocol.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What this replica holds of a namespace, partition by partition (key, kind, version), from one
 * scan of the namespace: what anti-entropy's trees and the purge's rounds read.
 *
 * <p>Why: EVENTUAL keys are ordered by namespace, then key, and a partition is a hash of the key,
 * so a partition has no range of its own; reading one partition scans the whole namespace. A
 * repair round has a session with every other replica of every partition (512 on 3 nodes with
 * Q = 256), each of which used to scan the namespace on both sides: about 50 ms per session on
 * 8,000 keys, 25 s of the eventual loop per round. One scan now serves every partition.
 *
 * <p>Freshness: a scan is reused only while nothing of the namespace was written or deleted since
 * ({@link #changed}), so a session always sees everything its replica held when it started. Under
 * a steady write load every session therefore scans again, as before; what would remove that cost
 * is a tree kept up to date by writes (docs/eventual.md §11). A scan no one has read for a minute
 * is dropped ({@link #forgetIdle}), so entries stay in memory only while repairs are under way.
 */
final class NamespaceIndex {
  private final Storage storage;
  private final KeyPartitioner partitioner;
  /** A namespace's last scan, by partition, and when a tree or purge round last read it. */
  private static final class Scan {
    final Map<Integer, List<KeyVersion>> byPartition;
    long lastReadMillis;

    Scan(Map<Integer, List<KeyVersion>> byPartition) {
      this.byPartition = byPartition;
    }
  }

  /**
   * A scan no tree or purge round has read for this long is dropped, so that a namespace's entries
   * are held in memory only while a repair round or purge round is under way.
   */
  static final long IDLE_MILLIS = 60_000;

  /** Dropped when the namespace changes, or after {@link #IDLE_MILLIS} unread. */
  private final Map<String, Scan> scans = new HashMap<>();

  NamespaceIndex(Storage storage, KeyPartitioner partitioner) {
    this.storage = storage;
    this.partitioner = partitioner;
  }

  /** Something of {@code namespace} was written or deleted in EVENTUAL. */
  void changed(String namespace) {
    scans.remove(namespace);
  }

  /** The entries this replica holds in {@code partition} of {@code namespace}, in key order. */
  List<KeyVersion> entries(String namespace, int partition, long nowMillis) {
    Scan scan = scans.computeIfAbsent(namespace, ns -> new Scan(scanNamespace(ns)));
    scan.lastReadMillis = nowMillis;
    return scan.byPartition.getOrDefault(partition, List.of());
  }

  /** Drops the scans no one has read for {@link #IDLE_MILLIS} (a wall clock that stepped back keeps them). */
  void forgetIdle(long nowMillis) {
    scans.values().removeIf(s -> nowMillis - s.lastReadMillis >= IDLE_MILLIS);
  }

  private Map<Integer, List<KeyVersion>> scanNamespace(String namespace) {
    Map<Integer, List<KeyVersion>> byPartition = new HashMap<>();
    byte[] prefix = MerkleTree.namespacePrefix(namespace);
    storage.scan(ColumnFamily.EVENTUAL, prefix, (dataKey, stored) -> {
      Bytes key = Bytes.wrap(Arrays.copyOfRange(dataKey, prefix.length, dataKey.length));
      byPartition.computeIfAbsent(partitioner.partitionOf(namespace, key), p -> new ArrayList<>())
          .add(KeyVersion.of(key, StoredValue.decode(stored)));
    });
    return byPartition;
  }
}
