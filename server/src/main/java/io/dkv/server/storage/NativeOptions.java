package io.dkv.server.storage;

import java.util.ArrayList;
import java.util.List;
import org.rocksdb.AbstractNativeReference;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteOptions;

/**
 * The native option objects of one open store. RocksDB keeps pointers to them, so they must live
 * until the database is closed and be freed after it: {@link RocksDbStorage} owns one instance and
 * closes it last. Not thread-safe; only read after construction.
 */
final class NativeOptions implements AutoCloseable {
  final DBOptions db;
  final ColumnFamilyOptions columnFamily;
  /** sync=false: a write is visible at once and durable at the next sync (the group commit). */
  final WriteOptions write;
  private final List<AbstractNativeReference> owned;

  private NativeOptions(List<AbstractNativeReference> owned, DBOptions db, ColumnFamilyOptions cf,
                        WriteOptions write) {
    this.owned = owned;
    this.db = db;
    this.columnFamily = cf;
    this.write = write;
  }

  static NativeOptions create(RocksDbOptions o) {
    List<AbstractNativeReference> owned = new ArrayList<>();
    try {
      LRUCache cache = own(owned, new LRUCache(o.blockCacheBytes()));
      BloomFilter bloom = own(owned, new BloomFilter(o.bloomBitsPerKey()));
      BlockBasedTableConfig table = new BlockBasedTableConfig()
          .setBlockCache(cache)
          .setFilterPolicy(bloom)
          // Index and filter blocks count against the cache, so memory stays bounded as data
          // grows; L0's are pinned because every read consults them.
          .setCacheIndexAndFilterBlocks(true)
          .setPinL0FilterAndIndexBlocksInCache(true);
      ColumnFamilyOptions cf = own(owned, new ColumnFamilyOptions())
          .setTableFormatConfig(table)
          .setWriteBufferSize(o.writeBufferBytes())
          .setCompressionType(CompressionType.LZ4_COMPRESSION)
          .setEnableBlobFiles(true)
          .setMinBlobSize(o.minBlobBytes())
          .setBlobCompressionType(CompressionType.LZ4_COMPRESSION)
          // Without blob GC, overwritten and deleted large values would never leave the disk.
          .setEnableBlobGarbageCollection(true);
      DBOptions db = own(owned, new DBOptions())
          .setCreateIfMissing(true)
          .setCreateMissingColumnFamilies(true)
          .setMaxBackgroundJobs(o.maxBackgroundJobs())
          .setDbWriteBufferSize(o.totalWriteBufferBytes())
          // After a crash, replay the WAL up to the first torn or corrupt record and stop: the
          // store then holds a consistent prefix of the writes, never a partial batch.
          .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
          // SyncWAL requires it, and it is the default; pinned so nobody turns it on by accident.
          .setAllowMmapWrites(false)
          .setParanoidChecks(true)
          .setInfoLogLevel(InfoLogLevel.INFO_LEVEL)
          .setMaxLogFileSize(16L << 20)
          .setKeepLogFileNum(5);
      WriteOptions write = own(owned, new WriteOptions()).setSync(false).setDisableWAL(false);
      return new NativeOptions(owned, db, cf, write);
    } catch (RuntimeException | Error e) {
      closeAll(owned);
      throw e;
    }
  }

  private static <T extends AbstractNativeReference> T own(List<AbstractNativeReference> owned,
                                                           T resource) {
    owned.add(resource);
    return resource;
  }

  @Override
  public void close() {
    closeAll(owned);
  }

  /** Frees in reverse order of creation: the options that point at the cache and filter go first. */
  private static void closeAll(List<AbstractNativeReference> resources) {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
    resources.clear();
  }
}
