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
 * <p>Freshness: a scan is reused while nothing was written to the namespace since
 * ({@link #changed}), or for {@code maxAgeMillis} after it was taken, whatever was written. A tree
 * that misses a write made since only leaves that key's difference to the next round (a later
 * session, or the schedule); what is shipped is always read afresh, and merging makes any shipment
 * safe. With {@code maxAgeMillis} 0 every read after a write scans again, as the simulation runs.
 */
final class NamespaceIndex {
  private record Scan(long takenAtMillis, long generation, Map<Integer, List<KeyVersion>> byPartition) {}

  private final Storage storage;
  private final KeyPartitioner partitioner;
  private final long maxAgeMillis;
  private final Map<String, Long> generations = new HashMap<>();
  private final Map<String, Scan> scans = new HashMap<>();

  NamespaceIndex(Storage storage, KeyPartitioner partitioner, long maxAgeMillis) {
    this.storage = storage;
    this.partitioner = partitioner;
    this.maxAgeMillis = maxAgeMillis;
  }

  /** Something of {@code namespace} was written or deleted in EVENTUAL. */
  void changed(String namespace) {
    generations.merge(namespace, 1L, Long::sum);
  }

  /** The entries this replica holds in {@code partition} of {@code namespace}, in key order. */
  List<KeyVersion> entries(String namespace, int partition, long nowMillis) {
    long generation = generations.getOrDefault(namespace, 0L);
    Scan scan = scans.get(namespace);
    if (scan == null || (scan.generation() != generation && nowMillis - scan.takenAtMillis() >= maxAgeMillis)
        || nowMillis < scan.takenAtMillis()) {
      scan = new Scan(nowMillis, generation, scanNamespace(namespace));
      scans.put(namespace, scan);
    }
    return scan.byPartition().getOrDefault(partition, List.of());
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
