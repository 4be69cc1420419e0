package io.dkv.rpc;

import io.dkv.protocol.ErrorCode;

/**
 * Bytes on a connection that cannot be accepted as a frame. Carries what the error reply needs:
 * the request and procedure ids when the header was readable (0 otherwise). After it the
 * connection's byte stream is no longer trusted, so the connection is closed.
 */
final class BadFrameException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  final ErrorCode code;
  final long requestId;
  final int procedureId;

  BadFrameException(ErrorCode code, long requestId, int procedureId, String message) {
    super(message, null, false, false);
    this.code = code;
    this.requestId = requestId;
    this.procedureId = procedureId;
  }
}
