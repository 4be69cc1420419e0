package io.dkv.core.storage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * A {@link Storage} in memory, for tests and simulations, that models a disk with a write cache:
 * {@link #write} is visible at once, {@link #sync} makes everything written so far durable, and
 * {@link #crash} throws away every write made after the last sync (whole batches only, as
 * RocksDB's write-ahead log does).
 *
 * <p>Threads: every method is synchronized. Keys and values are copied in and out, so callers may
 * reuse their arrays.
 */
public final class InMemoryStorage implements Storage {
  private final Map<ColumnFamily, NavigableMap<byte[], byte[]>> visible = emptyFamilies();
  private final Map<ColumnFamily, NavigableMap<byte[], byte[]>> durable = emptyFamilies();
  /** Batches written since the last sync, in order. */
  private final List<List<WriteBatch.Op>> unsynced = new ArrayList<>();
  private Consumer<List<WriteBatch.Op>> syncObserver = ops -> {};
  private long syncs;
  private long crashes;
  private boolean closed;

  @Override
  public synchronized byte[] get(ColumnFamily cf, byte[] key) {
    requireOpen();
    byte[] v = visible.get(cf).get(key);
    return v == null ? null : v.clone();
  }

  @Override
  public synchronized void write(WriteBatch batch) {
    requireOpen();
    List<WriteBatch.Op> copy = new ArrayList<>(batch.ops().size());
    for (WriteBatch.Op op : batch.ops()) {
      copy.add(new WriteBatch.Op(op.cf(), op.key().clone(), op.value() == null ? null : op.value().clone()));
    }
    apply(visible, copy);
    unsynced.add(copy);
  }

  @Override
  public synchronized void sync() {
    requireOpen();
    syncs++;
    if (unsynced.isEmpty()) {
      return;
    }
    List<WriteBatch.Op> made = new ArrayList<>();
    for (List<WriteBatch.Op> batch : unsynced) {
      apply(durable, batch);
      made.addAll(batch);
    }
    unsynced.clear();
    syncObserver.accept(made);
  }

  @Override
  public synchronized List<byte[]> keys(ColumnFamily cf, byte[] prefix, byte[] from, int limit) {
    requireOpen();
    List<byte[]> out = new ArrayList<>();
    byte[] start = Arrays.compareUnsigned(from, prefix) > 0 ? from : prefix;
    for (byte[] key : visible.get(cf).tailMap(start, true).keySet()) {
      if (out.size() >= limit || !startsWith(key, prefix)) {
        break;
      }
      out.add(key.clone());
    }
    return out;
  }

  @Override
  public synchronized void scan(ColumnFamily cf, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
    requireOpen();
    // Copy first, so that the visitor may write to this storage.
    List<Map.Entry<byte[], byte[]>> entries = new ArrayList<>(visible.get(cf).tailMap(prefix, true).entrySet());
    for (Map.Entry<byte[], byte[]> e : entries) {
      if (!startsWith(e.getKey(), prefix)) {
        break;
      }
      visitor.accept(e.getKey().clone(), e.getValue().clone());
    }
  }

  /**
   * The process died: every write after the last sync is lost. The storage stays usable, as the
   * disk of the restarted process.
   */
  public synchronized void crash() {
    crashes++;
    unsynced.clear();
    for (ColumnFamily cf : ColumnFamily.values()) {
      visible.get(cf).clear();
      visible.get(cf).putAll(durable.get(cf));
    }
    closed = false;
  }

  /** A read-only copy of what would survive a crash now. */
  public synchronized NavigableMap<byte[], byte[]> durableView(ColumnFamily cf) {
    NavigableMap<byte[], byte[]> copy = new TreeMap<>(Arrays::compareUnsigned);
    copy.putAll(durable.get(cf));
    return java.util.Collections.unmodifiableNavigableMap(copy);
  }

  /** The durable value under {@code key}, or null (no copy: do not modify it). */
  public synchronized byte[] durableGet(ColumnFamily cf, byte[] key) {
    return durable.get(cf).get(key);
  }

  /** Called inside every {@link #sync} that made writes durable, with those writes in order. */
  public synchronized void onSync(Consumer<List<WriteBatch.Op>> observer) {
    this.syncObserver = observer;
  }

  public synchronized boolean hasUnsyncedWrites() {
    return !unsynced.isEmpty();
  }

  public synchronized long syncCount() {
    return syncs;
  }

  public synchronized long crashCount() {
    return crashes;
  }

  @Override
  public synchronized void close() {
    closed = true;
  }

  private void requireOpen() {
    if (closed) {
      throw new StorageException("storage is closed", null);
    }
  }

  private static void apply(Map<ColumnFamily, NavigableMap<byte[], byte[]>> target, List<WriteBatch.Op> ops) {
    for (WriteBatch.Op op : ops) {
      if (op.value() == null) {
        target.get(op.cf()).remove(op.key());
      } else {
        target.get(op.cf()).put(op.key(), op.value());
      }
    }
  }

  private static boolean startsWith(byte[] key, byte[] prefix) {
    return key.length >= prefix.length
        && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length);
  }

  private static Map<ColumnFamily, NavigableMap<byte[], byte[]>> emptyFamilies() {
    Map<ColumnFamily, NavigableMap<byte[], byte[]>> m = new EnumMap<>(ColumnFamily.class);
    for (ColumnFamily cf : ColumnFamily.values()) {
      m.put(cf, new TreeMap<>(Arrays::compareUnsigned));
    }
    return m;
  }
}
