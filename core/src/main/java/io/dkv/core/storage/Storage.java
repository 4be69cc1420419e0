package io.dkv.core.storage;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * A node's local store: RocksDB in production, {@code InMemoryStorage} in tests.
 *
 * <p>Contract. {@link #write} applies a batch atomically and makes it visible to {@link #get} and
 * {@link #scan} at once, but not necessarily durable; {@link #sync} makes every write made before
 * it durable (an fsync of the write-ahead log). A crash loses exactly the writes after the last
 * completed sync, never part of a batch. This split lets a node group-commit: write the batches of
 * many protocol steps, sync once, and only then send the messages that depend on them.
 *
 * <p>Threads: implementations are safe for use from several threads. Every method may block on
 * disk I/O. Methods throw {@link StorageException} when the disk fails; the node must then stop,
 * since it can no longer keep its promises.
 */
public interface Storage extends AutoCloseable {

  /** The value stored under {@code key}, or null. */
  byte[] get(ColumnFamily cf, byte[] key);

  /** Applies the batch atomically; durable only after the next {@link #sync}. */
  void write(WriteBatch batch);

  /** Makes every write made so far durable. */
  void sync();

  /** Calls {@code visitor} for every entry whose key starts with {@code prefix}, in key order. */
  void scan(ColumnFamily cf, byte[] prefix, BiConsumer<byte[], byte[]> visitor);

  /**
   * At most {@code limit} keys that start with {@code prefix} and are not below {@code from}, in
   * key order: a walk over many keys in bounded steps (the next step starts just after the last
   * key returned), for background work that must not hold them all in memory.
   */
  List<byte[]> keys(ColumnFamily cf, byte[] prefix, byte[] from, int limit);

  @Override
  void close();
}
