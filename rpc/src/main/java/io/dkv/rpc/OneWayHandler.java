package io.dkv.rpc;

/**
 * Receives one-way messages of one procedure on an {@link RpcServer}: no response is sent.
 *
 * <p>Threading: called on a Netty event-loop thread; must not block. Messages from one connection
 * arrive in the order they were sent.
 *
 * <p>No success response is ever sent, but a refusal is reported so the sender's log says why: a
 * thrown {@link RpcException} sends an error reply with its code and keeps the connection open; a
 * thrown {@link io.dkv.protocol.MalformedMessageException} sends an error reply and closes the
 * connection; any other exception is logged at WARN and the connection stays open.
 */
@FunctionalInterface
public interface OneWayHandler {
  void handle(RequestContext ctx, byte[] body) throws Exception;
}
