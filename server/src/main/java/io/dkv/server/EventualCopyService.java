package io.dkv.server;

import io.dkv.core.eventual.StoredEntry;
import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.Storage;
import io.dkv.core.twopc.PartitionEpochs;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.CopiedKey;
import io.dkv.protocol.ClientMessage.CopyRequest;
import io.dkv.protocol.ClientMessage.CopyResponse;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RequestContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * The replica's end of copying a partition's eventual values to a learner (COPY_EVENTUAL,
 * docs/eventual.md §9): a page of the EVENTUAL records of the partitions asked for, verbatim.
 *
 * <p>Read straight from the store, not through the eventual core: a record is replaced whole by
 * a newer merge, never half-written, and a learner merges what it receives, so a page that races
 * with writes only carries a value that is older than the newest, which the quorum writes that
 * reach the learner after its promotion, read repair and anti-entropy bring up to date.
 */
final class EventualCopyService {
  /** Records examined per page at most, matching or not: bounds one call's work. */
  static final int MAX_SCAN = 4_096;
  /** A virtual thread per page: copies are rare, one stream per learner at a time. */
  private static final Executor PAGE_READER = task -> Thread.ofVirtual().name("dkv-eventual-copy").start(task);

  private final String self;
  private final ClusterSource clusters;
  private final Storage storage;

  EventualCopyService(String self, ClusterSource clusters, Storage storage) {
    this.self = self;
    this.clusters = clusters;
    this.storage = storage;
  }

  CompletableFuture<byte[]> copy(RequestContext ctx, byte[] body) {
    CopyRequest req = (CopyRequest) MessageCodec.decodeRequest(Procedure.COPY_EVENTUAL, body);
    Cluster view = clusters.current();
    PartitionCopyService.checkReplicaOf(self, view.map(), req.partitions());
    int max = Math.min(req.maxEntries(), PartitionCopyService.MAX_PAGE_ENTRIES);
    // A page reads up to MAX_SCAN records from disk: not on the event loop that called this handler.
    return CompletableFuture.supplyAsync(() -> MessageCodec.encode(page(view.partitionEpochs(self),
        new HashSet<>(req.partitions()), req.after(), max)), PAGE_READER);
  }

  /** Up to {@code max} records of {@code partitions} after the key {@code after}, in key order. */
  private CopyResponse page(PartitionEpochs partitionsOf, Set<Integer> partitions, Bytes after, int max) {
    // Just after the key "after": the smallest key above it is that key followed by a zero byte.
    byte[] from = after.length() == 0 ? new byte[0] : Arrays.copyOf(after.unsafeArray(), after.length() + 1);
    List<byte[]> keys = storage.keys(ColumnFamily.EVENTUAL, new byte[0], from, MAX_SCAN);
    List<CopiedKey> entries = new ArrayList<>();
    byte[] last = null;
    for (byte[] key : keys) {
      if (entries.size() == max) {
        break;
      }
      last = key;
      byte[] stored = storage.get(ColumnFamily.EVENTUAL, key);
      if (stored == null) {
        continue; // its namespace was dropped and reclaimed meanwhile
      }
      StoredEntry e = StoredEntry.decode(key, stored);
      if (partitions.contains(partitionsOf.partitionOf(e.namespace(), e.key()))) {
        entries.add(new CopiedKey(Bytes.wrap(key), Bytes.wrap(stored)));
      }
    }
    boolean done = keys.size() < MAX_SCAN && (last == null || last == keys.getLast());
    return new CopyResponse(done, last == null ? after : Bytes.wrap(last), entries, List.of());
  }
}
