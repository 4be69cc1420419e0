package io.dkv.server.storage;

/**
 * Tuning of a node's RocksDB instance. Everything that matters for correctness (WAL on, atomic
 * batches, point-in-time recovery) is fixed in {@link RocksDbStorage} and not configurable here.
 *
 * @param blockCacheBytes       one LRU block cache shared by every column family; index and filter
 *                              blocks are charged to it too, so it bounds read-side memory
 * @param writeBufferBytes      size of one memtable of one column family before it is flushed
 * @param totalWriteBufferBytes cap on the memtables of all column families together
 * @param minBlobBytes          values at least this long go to blob files instead of SST blocks, so
 *                              that compaction does not rewrite large values over and over
 * @param bloomBitsPerKey       bits per key of the SST bloom filters that spare point lookups a
 *                              disk read for absent keys; 10 gives about 1% false positives
 * @param maxBackgroundJobs     threads for flushes and compactions together
 */
public record RocksDbOptions(
    long blockCacheBytes,
    long writeBufferBytes,
    long totalWriteBufferBytes,
    long minBlobBytes,
    int bloomBitsPerKey,
    int maxBackgroundJobs) {

  private static final long MIB = 1L << 20;

  public RocksDbOptions {
    requireRange("blockCacheBytes", blockCacheBytes, MIB, 1L << 40);
    requireRange("writeBufferBytes", writeBufferBytes, MIB, 1L << 32);
    requireRange("totalWriteBufferBytes", totalWriteBufferBytes, writeBufferBytes, 1L << 40);
    requireRange("minBlobBytes", minBlobBytes, 0, 1L << 30);
    requireRange("bloomBitsPerKey", bloomBitsPerKey, 1, 64);
    requireRange("maxBackgroundJobs", maxBackgroundJobs, 1, 64);
  }

  /**
   * Production defaults: 256 MiB block cache, 64 MiB memtables capped at 256 MiB in total, blobs
   * from 64 KiB (values may reach 128 MiB), 10-bit bloom filters, and background jobs sized to the
   * machine (2 to 8).
   */
  public static RocksDbOptions defaults() {
    int cpus = Runtime.getRuntime().availableProcessors();
    return new RocksDbOptions(256 * MIB, 64 * MIB, 256 * MIB, 64 * 1024, 10,
        Math.max(2, Math.min(8, cpus)));
  }

  private static void requireRange(String name, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(name + " is " + value + "; it must be in [" + min + ", "
          + max + "]");
    }
  }
}
