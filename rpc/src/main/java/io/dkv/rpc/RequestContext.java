package io.dkv.rpc;

import java.net.SocketAddress;

/**
 * What the server knows about one incoming request besides its body.
 *
 * @param requestId     the sender's request id; a retry of the same request carries the same id
 * @param procedureId   the procedure id from the frame header
 * @param deadlineNanos the moment, on this server's {@link System#nanoTime()} clock, after which
 *                      the caller no longer waits for the reply; 0 when the request has none
 *                      (one-way messages never have one)
 * @param remote        the sender's address
 */
public record RequestContext(long requestId, int procedureId, long deadlineNanos,
                             SocketAddress remote) {
  public boolean hasDeadline() {
    return deadlineNanos != 0;
  }

  /** True when the caller has given up by {@code nowNanos}: work for it is wasted. */
  public boolean expiredAt(long nowNanos) {
    return hasDeadline() && nowNanos - deadlineNanos >= 0;
  }

  /** Nanoseconds left at {@code nowNanos}, at least 0; {@link Long#MAX_VALUE} without deadline. */
  public long remainingNanos(long nowNanos) {
    return hasDeadline() ? Math.max(0, deadlineNanos - nowNanos) : Long.MAX_VALUE;
  }
}
