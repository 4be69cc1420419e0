package io.dkv.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clock of this process's node: milliseconds that never go back, for protocol timers and
 * request deadlines. Nothing in dkv compares clocks across nodes (deadlines travel as "milliseconds
 * left", timers measure intervals), so the origin is arbitrary.
 *
 * <p>A test-only offset lets fault injection skew one node's clocks (this one and {@link #wallMillis}): {@link #watchOffsetFile}
 * re-reads a file holding a signed number of milliseconds and adds it. A forward skew makes every
 * timer of the node fire early (termination, tombstone and dedup expiry); a backward one is
 * clamped, so the clock stands still until real time catches up, because the core's contract is a
 * clock that never goes back within a process.
 */
public final class NodeClock {
  private static final Logger log = LoggerFactory.getLogger(NodeClock.class);
  private static final long WATCH_INTERVAL_MILLIS = 100;
  private static final AtomicLong last = new AtomicLong(Long.MIN_VALUE);
  private static volatile long offsetMillis;

  private NodeClock() {}

  public static long nowMillis() {
    long raw = System.nanoTime() / 1_000_000 + offsetMillis;
    return last.accumulateAndGet(raw, Math::max);
  }

  /**
   * The wall clock, milliseconds since the Unix epoch, with the same test offset: the eventual
   * core's hybrid clock needs physical time. Not clamped: that core keeps its versions monotonic
   * when the wall clock steps back, so a backward skew reaches it as one.
   */
  public static long wallMillis() {
    return System.currentTimeMillis() + offsetMillis;
  }

  static void setOffsetMillis(long offset) {
    offsetMillis = offset;
  }

  /**
   * Test-only: from now on the clock is offset by the number in {@code file} (re-read every
   * {@value #WATCH_INTERVAL_MILLIS} ms; a missing file means 0, an unreadable one keeps the last).
   */
  public static void watchOffsetFile(Path file) {
    readOffset(file);
    ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().daemon().name("dkv-clock-offset").factory());
    watcher.scheduleWithFixedDelay(() -> readOffset(file), WATCH_INTERVAL_MILLIS, WATCH_INTERVAL_MILLIS,
        TimeUnit.MILLISECONDS);
  }

  private static void readOffset(Path file) {
    long offset;
    try {
      offset = Long.parseLong(Files.readString(file).trim());
    } catch (NoSuchFileException e) {
      offset = 0;
    } catch (IOException | NumberFormatException e) {
      log.warn("clock offset file {} is unreadable ({}); keeping offset {} ms", file, e.toString(), offsetMillis);
      return;
    }
    if (offset != offsetMillis) {
      log.warn("test clock offset changes from {} ms to {} ms", offsetMillis, offset);
      setOffsetMillis(offset);
    }
  }
}
