package io.dkv.rpc;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One call of an {@link RpcClient} awaiting its reply. Mutable fields are confined to the event
 * loop of the call's {@link Connection}.
 */
final class PendingCall {
  final long requestId;
  final int procedureId;
  final byte[] body;
  final long deadlineNanos;
  final CompletableFuture<byte[]> future = new CompletableFuture<>();

  /** Written on the current connection; cleared when that connection closes. */
  boolean sentOnCurrentChannel;
  /** Written on some connection at least once: the server may have run it. */
  boolean everSent;
  ScheduledFuture<?> deadlineTimer;

  PendingCall(long requestId, int procedureId, byte[] body, long deadlineNanos) {
    this.requestId = requestId;
    this.procedureId = procedureId;
    this.body = body;
    this.deadlineNanos = deadlineNanos;
  }
}
