package io.dkv.it;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition that another process or thread makes true, with a hard deadline. */
final class Await {
  private Await() {}

  static void until(String what, long timeoutSeconds, BooleanSupplier condition) {
    until(what, timeoutSeconds, condition, () -> "");
  }

  /** Polls every 20 ms; on timeout fails with {@code what} and the current {@code state}. */
  static void until(String what, long timeoutSeconds, BooleanSupplier condition, Supplier<String> state) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeoutSeconds + " s: " + what + " " + state.get());
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
    }
  }
}
