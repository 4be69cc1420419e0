package io.dkv.torture;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The faults the proxies enforce on directed node-to-node links: cut (both ways), held (bytes in
 * one direction stop moving) and delay. Nodes are indexes; {@link #CLIENT} stands for any
 * connection that does not come from a node (a test's client) and is never faulted. Shared by all
 * proxies of one network and thread-safe: a change wakes every relay that waits on it.
 */
final class LinkTable {
  static final int CLIENT = -1;

  private final int nodeCount;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  // Invariant: cut[a][b] == cut[b][a]; a cut is always both ways.
  private final boolean[][] cut;
  private final boolean[][] held;
  private final long[][] delayMillis;

  LinkTable(int nodeCount) {
    this.nodeCount = nodeCount;
    this.cut = new boolean[nodeCount][nodeCount];
    this.held = new boolean[nodeCount][nodeCount];
    this.delayMillis = new long[nodeCount][nodeCount];
  }

  void cut(int a, int b) {
    update(() -> {
      cut[a][b] = true;
      cut[b][a] = true;
    });
  }

  void hold(int from, int to) {
    update(() -> held[from][to] = true);
  }

  void delay(int from, int to, long millis) {
    if (millis < 0) {
      throw new IllegalArgumentException("delay " + millis + " ms is negative: allowed 0 or more");
    }
    update(() -> delayMillis[from][to] = millis);
  }

  void healAll() {
    update(() -> {
      for (int a = 0; a < nodeCount; a++) {
        for (int b = 0; b < nodeCount; b++) {
          cut[a][b] = false;
          held[a][b] = false;
          delayMillis[a][b] = 0;
        }
      }
    });
  }

  boolean isCut(int a, int b) {
    return isNodeLink(a, b) && read(() -> cut[a][b]);
  }

  long delayMillis(int from, int to) {
    return isNodeLink(from, to) ? read(() -> delayMillis[from][to]) : 0;
  }

  /**
   * Blocks until bytes on {@code from -> to} that fall due at {@code dueNanos} (a
   * {@link System#nanoTime()} value) may be written: the time has come and the link is not held.
   * Wakes early on every change, so a heal releases held bytes at once.
   */
  void awaitDeliverable(int from, int to, long dueNanos) throws InterruptedException {
    lock.lock();
    try {
      while (true) {
        long waitNanos = dueNanos - System.nanoTime();
        boolean isHeld = isNodeLink(from, to) && held[from][to];
        if (!isHeld && waitNanos <= 0) {
          return;
        }
        if (isHeld) {
          changed.await();
        } else {
          changed.awaitNanos(waitNanos);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  private boolean isNodeLink(int from, int to) {
    return from != CLIENT && to != CLIENT;
  }

  private void update(Runnable change) {
    lock.lock();
    try {
      change.run();
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private <T> T read(Supplier<T> value) {
    lock.lock();
    try {
      return value.get();
    } finally {
      lock.unlock();
    }
  }
}
