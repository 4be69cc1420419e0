package io.dkv.rpc;

/** What an {@link RpcServer} does with a procedure id. */
sealed interface Registration {
  /** Request/response; {@code deduplicated} replays the first reply to a retried request id. */
  record Request(RpcHandler handler, boolean deduplicated) implements Registration {}

  /** One-way: no response. */
  record OneWay(OneWayHandler handler) implements Registration {}
}
