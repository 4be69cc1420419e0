package io.dkv.server;

import java.util.concurrent.TimeUnit;

/**
 * Whether this node may serve strong reads: only within {@code leaseMillis} of sending its last
 * heartbeat that the directory acknowledged while the node was up. The directory's leader evicts a
 * node from its partitions only after a longer silence ({@code downAfterMillis}), so a node cut off
 * from the directory stops reading before the others commit writes without it
 * ({@code docs/directory.md} §8). Counting from the send time, not the answer, is what makes this
 * hold whatever the heartbeat's delay.
 *
 * <p>Thread-safe; times are {@link System#nanoTime()} values.
 */
final class ReadLease {
  private final long leaseNanos;
  /** Guarded by {@code this}: the send time of the newest acknowledged heartbeat. */
  private long grantedAtNanos;
  private boolean granted;

  ReadLease(long leaseMillis) {
    this.leaseNanos = TimeUnit.MILLISECONDS.toNanos(leaseMillis);
  }

  /** A heartbeat sent at {@code sentNanos} was acknowledged; an older one changes nothing. */
  synchronized void renew(long sentNanos) {
    if (!granted || sentNanos - grantedAtNanos > 0) {
      grantedAtNanos = sentNanos;
      granted = true;
    }
  }

  synchronized boolean isValid(long nowNanos) {
    return granted && nowNanos - grantedAtNanos < leaseNanos;
  }

  /** Why the lease is not valid at {@code nowNanos}, for an error message. */
  synchronized String whyInvalid(long nowNanos) {
    if (!granted) {
      return "no heartbeat of this node has been acknowledged by the directory yet";
    }
    return "its last acknowledged heartbeat was sent "
        + TimeUnit.NANOSECONDS.toMillis(nowNanos - grantedAtNanos) + " ms ago, and a lease lasts "
        + TimeUnit.NANOSECONDS.toMillis(leaseNanos) + " ms";
  }
}
