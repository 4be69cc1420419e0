package io.dkv.protocol;

import java.util.Objects;

/**
 * Bytes from the wire could not be decoded. The message says what was wrong and what is allowed;
 * {@link #code()} is the error code to send back ({@link ErrorCode#MALFORMED_FRAME},
 * {@link ErrorCode#UNSUPPORTED_VERSION}, {@link ErrorCode#FRAME_TOO_LARGE} or
 * {@link ErrorCode#UNKNOWN_PROCEDURE}).
 *
 * <p>Unchecked so that it can travel through {@code CompletableFuture}s unchanged: the RPC layer
 * turns it into an error reply and closes the connection. Decoders throw only this type for bad
 * input, never an {@code IndexOutOfBoundsException} or the like.
 */
public final class MalformedMessageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode code;

  public MalformedMessageException(ErrorCode code, String message) {
    super(message);
    this.code = Objects.requireNonNull(code, "code");
  }

  /** Shorthand for {@link ErrorCode#MALFORMED_FRAME}, the usual case. */
  public MalformedMessageException(String message) {
    this(ErrorCode.MALFORMED_FRAME, message);
  }

  public ErrorCode code() {
    return code;
  }
}
