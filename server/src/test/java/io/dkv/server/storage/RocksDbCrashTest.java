package io.dkv.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.storage.ColumnFamily;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real processes against real RocksDB files: a writer killed with SIGKILL in the middle of its
 * stream, and a second process opening a directory that is in use.
 *
 * <p>What the crash test proves and what it cannot: kill -9 ends the process but not the kernel, so
 * the page cache survives and even unsynced WAL writes usually come back. The test therefore checks
 * recovery (every batch the child reported synced is back, no batch is torn, each writer's batches
 * form a prefix), not that fsync reached the platter; that needs power loss or a fault-injecting
 * file system.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RocksDbCrashTest {
  /** Kill once every writer has at least this many batches synced, after this many syncs. */
  private static final long SYNCED_BATCHES_BEFORE_KILL = 500;
  private static final int SYNC_LINES_BEFORE_KILL = 20;

  @Test
  void aKilledWriterKeepsEverySyncedBatchAndTearsNone(@TempDir Path tmp) throws Exception {
    Path dir = tmp.resolve("db");
    Path stderr = tmp.resolve("child.err");
    Process child = ChildJvm.start(StorageChild.class, stderr, "write", dir.toString());
    long[] synced = new long[StorageChild.WRITERS];
    int lines = 0;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
      String line;
      while (!enough(synced, lines) && (line = out.readLine()) != null) {
        String[] parts = line.split(" ");
        assertThat(parts[0]).as("child output").isEqualTo("SYNCED");
        for (int w = 0; w < synced.length; w++) {
          long n = Long.parseLong(parts[w + 1]);
          assertThat(n).isGreaterThanOrEqualTo(synced[w]);
          synced[w] = n;
        }
        lines++;
      }
    } finally {
      child.destroyForcibly();
      child.waitFor();
    }
    assertThat(enough(synced, lines)).as("the child stopped early after %d SYNCED lines; its "
        + "stderr: %s", lines, Files.readString(stderr)).isTrue();
    assertThat(child.exitValue()).as("killed by SIGKILL, not exited on its own").isEqualTo(137);

    try (RocksDbStorage storage = RocksDbStorage.open(dir, CrashData.smallOptions())) {
      for (int w = 0; w < StorageChild.WRITERS; w++) {
        long recovered = checkWriter(storage, w);
        assertThat(recovered).as("writer %d: batches back after the crash", w)
            .isGreaterThanOrEqualTo(synced[w]);
      }
    }
  }

  private static boolean enough(long[] synced, int lines) {
    return lines >= SYNC_LINES_BEFORE_KILL
        && Arrays.stream(synced).allMatch(n -> n >= SYNCED_BATCHES_BEFORE_KILL);
  }

  /** Every batch of writer {@code w} is whole and they are 0..n-1 with no gap; returns n. */
  private static long checkWriter(RocksDbStorage storage, int w) {
    Map<String, byte[]> found = new TreeMap<>();
    byte[] prefix = CrashData.bytes(CrashData.prefix(w));
    for (ColumnFamily cf : new ColumnFamily[] {ColumnFamily.DATA, ColumnFamily.JOURNAL}) {
      storage.scan(cf, prefix,
          (k, v) -> found.put(cf + " " + new String(k, StandardCharsets.US_ASCII), v));
    }
    long batches = 0;
    while (true) {
      int present = 0;
      for (CrashData.Entry e : CrashData.batch(w, batches)) {
        byte[] value = found.remove(e.cf() + " " + new String(e.key(), StandardCharsets.US_ASCII));
        if (value != null) {
          assertThat(value).isEqualTo(e.value());
          present++;
        }
      }
      if (present == 0) {
        break;
      }
      assertThat(present).as("writer %d batch %d is torn", w, batches).isEqualTo(3);
      batches++;
    }
    assertThat(found).as("writer %d: keys after the first missing batch (a gap)", w).isEmpty();
    return batches;
  }

  @Test
  void aSecondProcessCannotOpenADirectoryInUse(@TempDir Path tmp) throws IOException,
      InterruptedException {
    Path dir = tmp.resolve("db");
    try (RocksDbStorage held = RocksDbStorage.open(dir, CrashData.smallOptions())) {
      Process child = ChildJvm.start(StorageChild.class, tmp.resolve("child.err"), "open",
          dir.toString());
      String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(child.waitFor()).isZero();
      assertThat(output).startsWith("FAILED")
          .contains("the RocksDB store at " + held.directory() + " is already open")
          .contains("LOCK");
    }
  }
}
