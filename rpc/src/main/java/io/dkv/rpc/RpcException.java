package io.dkv.rpc;

import io.dkv.protocol.ErrorCode;
import java.util.Objects;

/**
 * A failed call, as an {@link ErrorCode} and a message for humans. Handlers complete with it to
 * send an error reply; {@link RpcClient} completes calls with it for error replies, deadlines
 * (TIMEOUT) and unreachable servers (UNAVAILABLE).
 */
public final class RpcException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public RpcException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  public RpcException(ErrorCode code, String message, Throwable cause) {
    super(message, cause);
    this.code = Objects.requireNonNull(code, "code");
  }

  public ErrorCode code() {
    return code;
  }

  /** True when retrying the same request with the same request id may succeed. */
  public boolean retryable() {
    return code.retryable();
  }

  @Override
  public String toString() {
    return "RpcException[" + code + "]: " + getMessage();
  }
}
