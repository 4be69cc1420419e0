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
 * is a tree kept up to date by writes (docs/eventual.md §11).
 */
final class NamespaceIndex {
  private final Storage storage;
  private final KeyPartitioner partitioner;
  /** The last scan of each namespace, by partition; dropped when the namespace changes. */
  private final Map<String, Map<Integer, List<KeyVersion>>> scans = new HashMap<>();

  NamespaceIndex(Storage storage, KeyPartitioner partitioner) {
    this.storage = storage;
    this.partitioner = partitioner;
  }

  /** Something of {@code namespace} was written or deleted in EVENTUAL. */
  void changed(String namespace) {
    scans.remove(namespace);
  }

  /** The entries this replica holds in {@code partition} of {@code namespace}, in key order. */
  List<KeyVersion> entries(String namespace, int partition) {
    return scans.computeIfAbsent(namespace, this::scanNamespace).getOrDefault(partition, List.of());
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
