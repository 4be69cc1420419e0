package io.dkv.server.storage;

import static io.dkv.core.storage.ColumnFamily.DATA;
import static io.dkv.core.storage.ColumnFamily.JOURNAL;
import static io.dkv.core.storage.ColumnFamily.META;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.StorageException;
import io.dkv.core.storage.WriteBatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RocksDbStorage} against real RocksDB files in a temporary directory. */
class RocksDbStorageTest {
  @TempDir
  Path tmp;

  private final List<RocksDbStorage> opened = new ArrayList<>();

  private RocksDbStorage open() {
    RocksDbStorage s = RocksDbStorage.open(tmp.resolve("db"), CrashData.smallOptions());
    opened.add(s);
    return s;
  }

  @AfterEach
  void closeAll() {
    opened.forEach(RocksDbStorage::close);
  }

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  @Test
  void putGetAndDeleteKeepColumnFamiliesApart() {
    RocksDbStorage s = open();
    s.write(new WriteBatch().put(DATA, b("k"), b("data")).put(JOURNAL, b("k"), b("journal"))
        .put(META, b("k"), b("meta")));
    assertThat(s.get(DATA, b("k"))).isEqualTo(b("data"));
    assertThat(s.get(JOURNAL, b("k"))).isEqualTo(b("journal"));
    assertThat(s.get(META, b("k"))).isEqualTo(b("meta"));

    s.write(new WriteBatch().delete(JOURNAL, b("k")).put(DATA, b("k"), b("data 2")));
    assertThat(s.get(JOURNAL, b("k"))).isNull();
    assertThat(s.get(DATA, b("k"))).isEqualTo(b("data 2"));
    assertThat(s.get(META, b("missing"))).isNull();
    s.write(new WriteBatch()); // an empty batch is a no-op
    assertThat(s.get(META, b("k"))).isEqualTo(b("meta"));
  }

  @Test
  void laterOpsOfABatchWinOverEarlierOnesOnTheSameKey() {
    RocksDbStorage s = open();
    s.write(new WriteBatch().put(DATA, b("k"), b("1")).delete(DATA, b("k")).put(DATA, b("k"), b("3"))
        .put(DATA, b("gone"), b("x")).delete(DATA, b("gone")));
    assertThat(s.get(DATA, b("k"))).isEqualTo(b("3"));
    assertThat(s.get(DATA, b("gone"))).isNull();
  }

  /**
   * A reader's scan (one consistent snapshot) never sees half a batch, while a writer thread keeps
   * rewriting both keys of the pair in single batches.
   */
  @Test
  void concurrentReadersNeverSeeHalfABatch() throws InterruptedException {
    RocksDbStorage s = open();
    s.write(new WriteBatch().put(DATA, b("pair/a"), b("0")).put(DATA, b("pair/b"), b("0")));
    AtomicReference<Throwable> writerFailure = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      try {
        for (int i = 1; i <= 3000; i++) {
          s.write(new WriteBatch().put(DATA, b("pair/a"), b(Integer.toString(i)))
              .put(DATA, b("pair/b"), b(Integer.toString(i))));
        }
      } catch (Throwable t) {
        writerFailure.set(t);
      }
    });
    writer.start();
    int scans = 0;
    while (writer.isAlive() || scans == 0) {
      List<String> values = new ArrayList<>();
      s.scan(DATA, b("pair/"), (k, v) -> values.add(new String(v, StandardCharsets.UTF_8)));
      assertThat(values).hasSize(2);
      assertThat(values.get(0)).isEqualTo(values.get(1));
      scans++;
    }
    writer.join();
    assertThat(writerFailure.get()).isNull();
    assertThat(s.get(DATA, b("pair/b"))).isEqualTo(b("3000"));
  }

  @Test
  void scanVisitsExactlyThePrefixInUnsignedByteOrder() {
    RocksDbStorage s = open();
    String[] keys = {"", "61", "6161", "6162", "616200", "61627f", "616280", "6162ff", "6162ffff",
        "6163", "ff", "ff01", "ffff", "ffff00"};
    WriteBatch batch = new WriteBatch();
    for (String k : keys) {
      batch.put(DATA, hex(k), b("v" + k));
    }
    batch.put(JOURNAL, hex("6162"), b("other family"));
    s.write(batch);

    assertThat(scanKeys(s, DATA, "6162"))
        .containsExactly("6162", "616200", "61627f", "616280", "6162ff", "6162ffff");
    assertThat(scanKeys(s, DATA, "6162ff")).containsExactly("6162ff", "6162ffff");
    assertThat(scanKeys(s, DATA, "ff")).containsExactly("ff", "ff01", "ffff", "ffff00");
    assertThat(scanKeys(s, DATA, "ffff")).containsExactly("ffff", "ffff00");
    assertThat(scanKeys(s, DATA, "")).containsExactly(keys);
    assertThat(scanKeys(s, DATA, "62")).isEmpty();
    assertThat(scanKeys(s, META, "")).isEmpty();
    List<byte[]> values = new ArrayList<>();
    s.scan(DATA, hex("616280"), (k, v) -> values.add(v));
    assertThat(values).containsExactly(b("v616280"));
  }

  @Test
  void keysWalkAPrefixInBoundedStepsFromAnyKey() {
    RocksDbStorage s = open();
    String[] keys = {"61", "6162", "616200", "6162ff", "6162ffff", "6163", "ff"};
    WriteBatch batch = new WriteBatch();
    for (String k : keys) {
      batch.put(DATA, hex(k), b("v"));
    }
    s.write(batch);

    assertThat(hexes(s.keys(DATA, hex("6162"), hex(""), 2))).containsExactly("6162", "616200");
    // The next step starts just after the last key returned.
    assertThat(hexes(s.keys(DATA, hex("6162"), hex("61620000"), 2))).containsExactly("6162ff", "6162ffff");
    assertThat(hexes(s.keys(DATA, hex("6162"), hex("6162ffff00"), 2))).isEmpty();
    assertThat(hexes(s.keys(DATA, hex("6162"), hex("ff"), 10))).isEmpty();
    assertThat(hexes(s.keys(DATA, hex(""), hex("6163"), 10))).containsExactly("6163", "ff");
    assertThat(hexes(s.keys(META, hex(""), hex(""), 10))).isEmpty();
  }

  private static List<String> hexes(List<byte[]> keys) {
    return keys.stream().map(HexFormat.of()::formatHex).toList();
  }

  private static List<String> scanKeys(RocksDbStorage s, ColumnFamily cf, String prefixHex) {
    List<String> keys = new ArrayList<>();
    s.scan(cf, hex(prefixHex), (k, v) -> keys.add(HexFormat.of().formatHex(k)));
    return keys;
  }

  @Test
  void reopeningKeepsSyncedWritesInEveryFamily() {
    RocksDbStorage s = open();
    for (int i = 0; i < 1000; i++) {
      s.write(new WriteBatch().put(DATA, b("d" + i), b("v" + i)).put(JOURNAL, b("j" + i), b("r" + i)));
    }
    s.write(new WriteBatch().put(META, b("node-id"), b("n1")).delete(DATA, b("d7")));
    s.sync();
    s.close();

    RocksDbStorage again = open();
    assertThat(again.get(META, b("node-id"))).isEqualTo(b("n1"));
    assertThat(again.get(DATA, b("d999"))).isEqualTo(b("v999"));
    assertThat(again.get(JOURNAL, b("j0"))).isEqualTo(b("r0"));
    assertThat(again.get(DATA, b("d7"))).isNull();
    List<byte[]> journal = new ArrayList<>();
    again.scan(JOURNAL, b("j"), (k, v) -> journal.add(k));
    assertThat(journal).hasSize(1000);
  }

  /** 20 MiB, beyond the 64 KiB blob threshold: stored in a blob file, read back byte for byte. */
  @Test
  void aLargeValueRoundTripsThroughABlobFile() throws IOException {
    byte[] large = new byte[20 << 20];
    new Random(42).nextBytes(large);
    RocksDbStorage s = open();
    s.write(new WriteBatch().put(DATA, b("large"), large).put(DATA, b("small"), b("s")));
    assertThat(s.get(DATA, b("large"))).isEqualTo(large);
    s.sync();
    s.close();

    // Reopening replays the WAL and flushes the recovered memtable, which writes the blob file.
    RocksDbStorage again = open();
    assertThat(again.get(DATA, b("large"))).isEqualTo(large);
    assertThat(again.get(DATA, b("small"))).isEqualTo(b("s"));
    try (Stream<Path> files = Files.list(tmp.resolve("db"))) {
      List<Path> blobs = files.filter(f -> f.toString().endsWith(".blob")).toList();
      assertThat(blobs).isNotEmpty();
      assertThat(blobs.stream().mapToLong(RocksDbStorageTest::size).sum())
          .isGreaterThanOrEqualTo(large.length / 2); // LZ4 cannot shrink random bytes much
    }
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void closeIsIdempotentAndLaterCallsFailClearly() {
    RocksDbStorage s = open();
    s.write(new WriteBatch().put(DATA, b("k"), b("v")));
    s.close();
    s.close();
    assertThatThrownBy(() -> s.get(DATA, b("k"))).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed").hasMessageContaining(tmp.resolve("db").toString());
    assertThatThrownBy(() -> s.write(new WriteBatch().put(DATA, b("k"), b("v"))))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(s::sync).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> s.scan(DATA, b(""), (k, v) -> { }))
        .isInstanceOf(IllegalStateException.class);
    // A clean close synced the WAL: the unsynced write above survived.
    assertThat(open().get(DATA, b("k"))).isEqualTo(b("v"));
  }

  @Test
  void aSecondOpenInTheSameProcessFailsOnTheLock() {
    RocksDbStorage s = open();
    assertThatThrownBy(this::open).isInstanceOf(StorageException.class)
        .hasMessageContaining("the RocksDB store at " + s.directory() + " is already open");
    s.write(new WriteBatch().put(DATA, b("still"), b("usable")));
    assertThat(s.get(DATA, b("still"))).isEqualTo(b("usable"));
  }

  @Test
  void openFailuresNameThePath() throws IOException {
    Path file = Files.writeString(tmp.resolve("not-a-directory"), "x");
    assertThatThrownBy(() -> RocksDbStorage.open(file, CrashData.smallOptions()))
        .isInstanceOf(StorageException.class).hasMessageContaining(file.toString());
    Path inside = file.resolve("db");
    assertThatThrownBy(() -> RocksDbStorage.open(inside, CrashData.smallOptions()))
        .isInstanceOf(StorageException.class).hasMessageContaining(inside.toString());
  }

  @Test
  void columnFamiliesHaveFixedOnDiskNames() {
    assertThat(Arrays.stream(ColumnFamily.values())
        .map(cf -> new String(RocksDbStorage.diskName(cf), StandardCharsets.US_ASCII)))
        .containsExactly("data", "journal", "meta", "eventual", "hints");
  }
}
