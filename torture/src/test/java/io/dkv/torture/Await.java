package io.dkv.torture;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits on conditions another process, thread or the kernel makes true, with hard deadlines. */
final class Await {
  private Await() {}

  /** Polls until {@code condition} holds; fails with {@code what} after {@code timeout}. */
  static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout.toMillis() + " ms: " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }

  /**
   * Polls for the whole of {@code window} and fails as soon as {@code condition} holds. Used to
   * show that something a fault blocks does not happen; it can only fail when the fault leaks.
   */
  static void never(String what, Duration window, BooleanSupplier condition) {
    long deadline = System.nanoTime() + window.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        throw new AssertionError("happened although it must not: " + what);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }
}
