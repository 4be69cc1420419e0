package io.dkv.rpc;

import java.util.concurrent.CompletableFuture;

/**
 * Serves one request/response procedure on an {@link RpcServer}.
 *
 * <p>Threading: called on a Netty event-loop thread, which also serves other connections. The
 * handler must not block: do slow work elsewhere and return a future that completes later. The
 * returned future may complete on any thread.
 *
 * <p>Outcomes: a normal completion sends its bytes as the response body. Completing
 * exceptionally (or throwing) with {@link RpcException} sends an error reply with its code and
 * message; with {@link io.dkv.protocol.MalformedMessageException} sends its code (usually
 * MALFORMED_FRAME) and then closes the connection, since the peer speaks a broken protocol; with
 * anything else sends INTERNAL. In every case but the malformed one the connection stays open.
 */
@FunctionalInterface
public interface RpcHandler {
  /**
   * @param ctx  the request's id, procedure, deadline and sender
   * @param body the request body; owned by the handler
   * @return the response body, never null
   */
  CompletableFuture<byte[]> handle(RequestContext ctx, byte[] body)
      throws Exception;

  /** A handler that answers at once with what {@code f} returns; {@code f} must not block. */
  static RpcHandler sync(SyncFunction f) {
    return (ctx, body) -> CompletableFuture.completedFuture(f.apply(ctx, body));
  }

  /** The body of {@link #sync}. */
  @FunctionalInterface
  interface SyncFunction {
    byte[] apply(RequestContext ctx, byte[] body) throws Exception;
  }
}
