package io.dkv.server.storage;

import io.dkv.core.storage.ColumnFamily;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The batches of the crash test, shared by the writing child and the checking parent: batch
 * {@code i} of writer {@code w} puts two DATA keys and one JOURNAL key, so a torn batch, within a
 * family or across families, shows up as a missing key.
 */
final class CrashData {
  /** More than a killed child can write in the test's lifetime: the loop is bounded, not endless. */
  static final int MAX_BATCHES = 5_000_000;

  record Entry(ColumnFamily cf, byte[] key, byte[] value) {}

  private CrashData() {}

  static List<Entry> batch(int writer, long i) {
    String id = prefix(writer) + String.format("%09d", i);
    return List.of(
        new Entry(ColumnFamily.DATA, bytes(id + "/a"), bytes("value a of " + id + " ".repeat(40))),
        new Entry(ColumnFamily.DATA, bytes(id + "/b"), bytes("value b of " + id)),
        new Entry(ColumnFamily.JOURNAL, bytes(id), bytes("journal record of " + id)));
  }

  /** Every key of writer {@code w} starts with this, in both families. */
  static String prefix(int writer) {
    return "w" + writer + "/";
  }

  /** Small buffers: the child and the checker share a 2-core machine with the rest of the build. */
  static RocksDbOptions smallOptions() {
    return new RocksDbOptions(8L << 20, 4L << 20, 16L << 20, 64 * 1024, 10, 2);
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
