package io.dkv.server.storage;

import io.dkv.core.storage.WriteBatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The child-process side of {@link RocksDbCrashTest}. Modes:
 * <ul>
 *   <li>{@code write DIR}: {@value #WRITERS} threads write numbered batches as fast as they can
 *       while the main thread loops: read each writer's count of completed batches, sync, print
 *       {@code SYNCED n0 n1}. Every batch listed as synced is durable when the line appears. Runs
 *       until killed, or until stdin closes (the test died), then exits.
 *   <li>{@code open DIR}: tries to open the store, prints {@code OPENED} or {@code FAILED message}.
 * </ul>
 */
final class StorageChild {
  static final int WRITERS = 2;

  private StorageChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    switch (args[0]) {
      case "write" -> write(dir);
      case "open" -> open(dir);
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void open(Path dir) {
    try (RocksDbStorage storage = RocksDbStorage.open(dir, CrashData.smallOptions())) {
      System.out.println("OPENED " + storage.directory());
    } catch (RuntimeException e) {
      System.out.println("FAILED " + e.getMessage());
    }
    System.out.flush();
  }

  private static void write(Path dir) throws InterruptedException {
    exitWhenStdinCloses();
    RocksDbStorage storage = RocksDbStorage.open(dir, CrashData.smallOptions());
    AtomicLongArray completed = new AtomicLongArray(WRITERS);
    for (int w = 0; w < WRITERS; w++) {
      int writer = w;
      Thread t = new Thread(() -> {
        for (int i = 0; i < CrashData.MAX_BATCHES; i++) {
          WriteBatch batch = new WriteBatch();
          for (CrashData.Entry e : CrashData.batch(writer, i)) {
            batch.put(e.cf(), e.key(), e.value());
          }
          storage.write(batch);
          completed.set(writer, i + 1);
        }
      }, "writer-" + w);
      t.setDaemon(true);
      t.start();
    }
    while (true) {
      long[] before = new long[WRITERS];
      for (int w = 0; w < WRITERS; w++) {
        before[w] = completed.get(w);
      }
      storage.sync();
      StringBuilder line = new StringBuilder("SYNCED");
      for (long n : before) {
        line.append(' ').append(n);
      }
      System.out.println(line);
      System.out.flush();
    }
  }

  /** The parent holds our stdin open; EOF means it died, and an orphan must not write forever. */
  private static void exitWhenStdinCloses() {
    Thread watcher = new Thread(() -> {
      try (InputStream in = System.in) {
        while (in.read() >= 0) {
          // Ignore input; only the end of the stream matters.
        }
      } catch (IOException e) {
        System.err.println("stdin failed: " + e);
      }
      Runtime.getRuntime().halt(3);
    }, "stdin-watcher");
    watcher.setDaemon(true);
    watcher.start();
  }
}
