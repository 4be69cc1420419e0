package io.dkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.protocol.ErrorCode;
import io.dkv.rpc.RpcException;

/** Assertions on calls a node answers with an error. */
final class RpcAssertions {
  private RpcAssertions() {}

  /** A call that may throw, as the tests make them. */
  interface ThrowingCall {
    void run() throws Exception;
  }

  /** The call fails with an RpcException of this code whose message contains {@code message}. */
  static void assertRefused(ThrowingCall call, ErrorCode code, String message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(RpcException.class,
        e -> assertThat(e.code()).isEqualTo(code)).hasMessageContaining(message);
  }
}
