package io.dkv.server.storage;

import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.Storage;
import io.dkv.core.storage.StorageException;
import io.dkv.core.storage.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;

/**
 * The production {@link Storage}: one RocksDB instance per node, one column family per
 * {@link ColumnFamily} (plus RocksDB's mandatory default family, unused).
 *
 * <p>Durability. {@link #write} is one RocksDB write batch with {@code sync=false}: atomic across
 * column families, visible at once, in the WAL but only in the OS page cache. {@link #sync} calls
 * {@code DB::FlushWAL(sync=true)}, which fsyncs every WAL file written so far (it is
 * {@code SyncWAL()}, preceded by a flush of RocksDB's WAL buffer that only exists when
 * {@code manual_wal_flush} is on — so it stays correct if someone turns that on). RocksDB documents
 * that SyncWAL does not block writes from other threads, which makes it the group-commit point:
 * many threads write, one sync makes all of them durable. The WAL is never disabled.
 *
 * <p>Threads: safe for concurrent use. A read-write lock guards the native handles: operations hold
 * it shared, {@link #close} exclusively, so close never frees a handle another thread is using.
 * Use after close throws {@link IllegalStateException}; RocksDB failures throw
 * {@link StorageException} naming the directory and the operation. A {@link #scan} visitor must not
 * close the store.
 */
public final class RocksDbStorage implements Storage {
  static {
    // Extracts and loads the JNI library once per class loader; later calls are no-ops.
    RocksDB.loadLibrary();
  }

  private final Path dir;
  private final NativeOptions options;
  private final RocksDB db;
  private final List<ColumnFamilyHandle> handles;
  private final Map<ColumnFamily, ColumnFamilyHandle> families;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private boolean closed; // guarded by lock (write side)

  private RocksDbStorage(Path dir, NativeOptions options, RocksDB db,
                         List<ColumnFamilyHandle> handles) {
    this.dir = dir;
    this.options = options;
    this.db = db;
    this.handles = handles;
    this.families = new EnumMap<>(ColumnFamily.class);
    ColumnFamily[] all = ColumnFamily.values();
    for (int i = 0; i < all.length; i++) {
      families.put(all[i], handles.get(i + 1)); // handle 0 is the default family
    }
  }

  /**
   * Opens the store in {@code dir}, creating the directory, the database and missing column
   * families as needed. Fails with a {@link StorageException} if another process (or another open
   * in this one) holds the directory's LOCK file.
   */
  public static RocksDbStorage open(Path dir, RocksDbOptions rocksDbOptions) {
    Objects.requireNonNull(rocksDbOptions, "rocksDbOptions");
    Path absolute = dir.toAbsolutePath();
    try {
      Files.createDirectories(absolute);
    } catch (IOException e) {
      throw new StorageException("cannot create the RocksDB directory " + absolute + ": " + e, e);
    }
    NativeOptions options = NativeOptions.create(rocksDbOptions);
    List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    descriptors.add(new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, options.columnFamily));
    for (ColumnFamily cf : ColumnFamily.values()) {
      descriptors.add(new ColumnFamilyDescriptor(diskName(cf), options.columnFamily));
    }
    List<ColumnFamilyHandle> handles = new ArrayList<>();
    try {
      RocksDB db = RocksDB.open(options.db, absolute.toString(), descriptors, handles);
      return new RocksDbStorage(absolute, options, db, handles);
    } catch (RocksDBException e) {
      handles.forEach(ColumnFamilyHandle::close);
      options.close();
      throw openFailure(absolute, e);
    }
  }

  /**
   * The on-disk name of a column family. Spelled out rather than derived from the enum constant, so
   * renaming a constant cannot silently orphan existing data.
   */
  static byte[] diskName(ColumnFamily cf) {
    String name = switch (cf) {
      case DATA -> "data";
      case JOURNAL -> "journal";
      case META -> "meta";
      case EVENTUAL -> "eventual";
      case HINTS -> "hints";
    };
    return name.getBytes(StandardCharsets.US_ASCII);
  }

  private static StorageException openFailure(Path dir, RocksDBException e) {
    String message = String.valueOf(e.getMessage());
    if (message.toLowerCase(Locale.ROOT).contains("lock")) {
      return new StorageException("the RocksDB store at " + dir + " is already open (its LOCK file "
          + "is held by another process, or by another open in this one); stop the other dkv "
          + "server using this data directory. RocksDB said: " + message, e);
    }
    return new StorageException("cannot open the RocksDB store at " + dir + ": " + message, e);
  }

  /** The directory of the store, absolute. */
  public Path directory() {
    return dir;
  }

  @Override
  public byte[] get(ColumnFamily cf, byte[] key) {
    Objects.requireNonNull(key, "key");
    lock.readLock().lock();
    try {
      ensureOpen();
      return db.get(families.get(cf), key);
    } catch (RocksDBException e) {
      throw failure("get from " + cf, e);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void write(WriteBatch batch) {
    if (batch.isEmpty()) {
      return;
    }
    lock.readLock().lock();
    try (org.rocksdb.WriteBatch rocksBatch = new org.rocksdb.WriteBatch()) {
      ensureOpen();
      for (WriteBatch.Op op : batch.ops()) {
        ColumnFamilyHandle h = families.get(op.cf());
        if (op.value() == null) {
          rocksBatch.delete(h, op.key());
        } else {
          rocksBatch.put(h, op.key(), op.value());
        }
      }
      db.write(options.write, rocksBatch);
    } catch (RocksDBException e) {
      throw failure("write of a " + batch.ops().size() + "-op batch", e);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void sync() {
    lock.readLock().lock();
    try {
      ensureOpen();
      db.flushWal(true);
    } catch (RocksDBException e) {
      throw failure("WAL sync", e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Visits the entries of {@code cf} whose keys start with {@code prefix}, in unsigned byte order,
   * as of one consistent point in time (the iterator's implicit snapshot). An upper bound at the
   * prefix's successor lets RocksDB stop at the end of the range instead of skipping tombstones past
   * it.
   */
  @Override
  public List<byte[]> keys(ColumnFamily cf, byte[] prefix, byte[] from, int limit) {
    Objects.requireNonNull(from, "from");
    List<byte[]> out = new ArrayList<>();
    if (limit > 0) {
      walk(cf, prefix, Arrays.compareUnsigned(from, prefix) > 0 ? from : prefix, "key walk", it -> {
        out.add(it.key());
        return out.size() < limit;
      });
    }
    return out;
  }

  @Override
  public void scan(ColumnFamily cf, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
    Objects.requireNonNull(visitor, "visitor");
    walk(cf, prefix, prefix, "scan", it -> {
      visitor.accept(it.key(), it.value());
      return true;
    });
  }

  /**
   * Visits the entries under {@code prefix} from {@code start} in key order while {@code visit}
   * returns true. The iterator's upper bound stops RocksDB itself at the end of the prefix.
   */
  private void walk(ColumnFamily cf, byte[] prefix, byte[] start, String what,
                    Predicate<RocksIterator> visit) {
    Objects.requireNonNull(prefix, "prefix");
    byte[] upper = KeyRanges.prefixSuccessor(prefix);
    lock.readLock().lock();
    try (ReadOptions read = new ReadOptions();
         Slice upperBound = upper == null ? null : new Slice(upper)) {
      ensureOpen();
      if (upperBound != null) {
        read.setIterateUpperBound(upperBound);
      }
      try (RocksIterator it = db.newIterator(families.get(cf), read)) {
        for (it.seek(start); it.isValid(); it.next()) {
          if (!KeyRanges.startsWith(it.key(), prefix) || !visit.test(it)) {
            break;
          }
        }
        it.status(); // an iterator that stopped on an I/O error is not valid; surface the error
      }
    } catch (RocksDBException e) {
      throw failure(what + " of " + cf, e);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Syncs the WAL (a clean shutdown loses nothing), then frees the column families, the database
   * and the options, in that order. Idempotent; waits for operations in flight on other threads.
   */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      RocksDBException failure = null;
      try {
        db.flushWal(true);
      } catch (RocksDBException e) {
        failure = e;
      }
      handles.forEach(ColumnFamilyHandle::close);
      try {
        db.closeE();
      } catch (RocksDBException e) {
        failure = failure == null ? e : failure;
      }
      options.close();
      if (failure != null) {
        throw failure("close", failure);
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the RocksDB store at " + dir + " is closed");
    }
  }

  private StorageException failure(String operation, RocksDBException e) {
    return new StorageException("RocksDB " + operation + " failed at " + dir + ": "
        + e.getMessage(), e);
  }
}
