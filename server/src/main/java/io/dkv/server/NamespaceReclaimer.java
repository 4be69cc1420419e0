package io.dkv.server;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;
import io.dkv.core.directory.Namespace;
import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.Storage;
import io.dkv.core.storage.WriteBatch;
import io.dkv.core.twopc.TwoPhaseNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frees the disk space of dropped namespaces. Each namespace incarnation keeps its keys under a
 * storage name of its own (docs/directory.md §7), so once the directory has dropped one, no
 * request reaches its keys again: they only take space, and deleting them can race with nothing
 * but a straggling commit, whose key then stays behind as invisible garbage.
 *
 * <p>The storage names of the last view are kept in META ({@code namespaces/seen}), so a namespace
 * dropped while this node was down is found at its next view. A drop found is recorded in META
 * ({@code reclaim/NAME}) in the same batch, before any deletion, and a restart resumes what is
 * recorded. Keys, strong (DATA) and eventual (EVENTUAL, and the HINTS held for other nodes)
 * alike, go in batches of {@link #KEYS_PER_BATCH} point deletions on a thread of its own, without
 * syncs: a crash only leaves more to delete after the restart.
 */
final class NamespaceReclaimer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NamespaceReclaimer.class);
  static final byte[] SEEN_KEY = "namespaces/seen".getBytes(StandardCharsets.UTF_8);
  static final String PENDING_PREFIX = "reclaim/";
  static final int KEYS_PER_BATCH = 1_000;
  /**
   * Where namespaces keep their keys: DATA for strong ones, EVENTUAL for eventual ones and HINTS
   * for the hints of eventual ones this node holds for others (keyed by namespace first too).
   */
  private static final List<ColumnFamily> DATA_FAMILIES = List.of(ColumnFamily.DATA, ColumnFamily.EVENTUAL,
      ColumnFamily.HINTS);

  private final String nodeId;
  private final Storage storage;
  private final ExecutorService worker;

  NamespaceReclaimer(String nodeId, Storage storage) {
    this.nodeId = nodeId;
    this.storage = storage;
    this.worker = Executors.newSingleThreadExecutor(
        Thread.ofPlatform().daemon().name("dkv-reclaim-" + nodeId).factory());
  }

  /** Resumes the reclaims recorded by an earlier process that did not finish them. */
  void resumePending() {
    byte[] prefix = PENDING_PREFIX.getBytes(StandardCharsets.UTF_8);
    storage.scan(ColumnFamily.META, prefix, (key, value) -> schedule(
        new String(key, prefix.length, key.length - prefix.length, StandardCharsets.UTF_8)));
  }

  /** Called with every new view of the cluster, in order: finds the namespaces dropped since the last. */
  synchronized void onView(Cluster view) {
    Set<String> now = view.state().namespaces().stream().map(Namespace::storageName)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> before = seen();
    if (now.equals(before)) {
      return; // most views change members or the map, not the namespaces
    }
    WriteBatch batch = new WriteBatch().put(ColumnFamily.META, SEEN_KEY, encode(now));
    List<String> dropped = before == null ? List.of()
        : before.stream().filter(name -> !now.contains(name)).toList();
    dropped.forEach(name -> batch.put(ColumnFamily.META, pendingKey(name), new byte[0]));
    storage.write(batch);
    dropped.forEach(this::schedule);
  }

  /** Waits until every reclaim scheduled so far has finished. */
  void awaitIdle() throws Exception {
    worker.submit(() -> { }).get();
  }

  private void schedule(String storageName) {
    try {
      worker.execute(() -> reclaim(storageName));
    } catch (RejectedExecutionException closing) {
      // The node is stopping; the pending record makes the next start resume it.
    }
  }

  private void reclaim(String storageName) {
    try {
      byte[] prefix = TwoPhaseNode.dataPrefix(storageName);
      long deleted = 0;
      // A name is strong or eventual, so one family holds its keys; the walk of the other is empty.
      for (ColumnFamily family : DATA_FAMILIES) {
        long more = deleteAll(family, prefix);
        if (more < 0) {
          return; // stopping: the pending record stays for the next start
        }
        deleted += more;
      }
      storage.write(new WriteBatch().delete(ColumnFamily.META, pendingKey(storageName)));
      log.info("node {}: freed the space of dropped namespace {} ({} keys)", nodeId, storageName, deleted);
    } catch (RuntimeException e) {
      log.warn("node {}: could not free the space of dropped namespace {}; the next start tries"
          + " again", nodeId, storageName, e);
    }
  }

  /** Deletes every key of {@code family} under {@code prefix}; how many, or -1 if interrupted. */
  private long deleteAll(ColumnFamily family, byte[] prefix) {
    byte[] from = prefix;
    long deleted = 0;
    while (true) {
      if (Thread.currentThread().isInterrupted()) {
        return -1;
      }
      List<byte[]> keys = storage.keys(family, prefix, from, KEYS_PER_BATCH);
      if (keys.isEmpty()) {
        return deleted;
      }
      WriteBatch batch = new WriteBatch();
      keys.forEach(k -> batch.delete(family, k));
      storage.write(batch);
      deleted += keys.size();
      byte[] last = keys.get(keys.size() - 1);
      from = Arrays.copyOf(last, last.length + 1); // the smallest key after the last one
    }
  }

  /** The storage names of the last view, or null before the first. */
  private Set<String> seen() {
    byte[] bytes = storage.get(ColumnFamily.META, SEEN_KEY);
    if (bytes == null) {
      return null;
    }
    RecordReader r = new RecordReader(bytes, "seen namespaces", IllegalStateException::new);
    Set<String> names = new TreeSet<>();
    for (int i = r.count("count", 2); i > 0; i--) {
      names.add(r.string("name"));
    }
    r.end();
    return names;
  }

  private static byte[] encode(Set<String> names) {
    RecordWriter w = new RecordWriter().u32(names.size());
    names.forEach(w::string);
    return w.toByteArray();
  }

  private static byte[] pendingKey(String storageName) {
    return (PENDING_PREFIX + storageName).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    worker.shutdownNow();
    try {
      worker.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
