package io.dkv.protocol;

import java.util.Arrays;
import java.util.HexFormat;

/**
 * One frame of the wire protocol: a fixed header and an opaque body. See {@link FrameCodec} for
 * the byte layout and {@code docs/protocol.md} for the rules.
 *
 * <p>Invariants (checked by the constructor): {@code version} and {@code flags} fit in a u8 and
 * {@code flags} holds only known bits in an allowed combination; {@code procedureId} fits in a
 * u16; {@code 0 <= deadlineMillis <= 2^32-1}. The body array is owned by the frame: do not change
 * it after construction.
 *
 * @param deadlineMillis how long the sender will wait for the reply, relative to sending; 0 = none
 */
public record Frame(int version, int flags, int procedureId, long requestId, long deadlineMillis,
                    byte[] body) {
  /** The only protocol version this code speaks. */
  public static final int VERSION = 1;

  /** This frame answers a request with the same request id. */
  public static final int FLAG_RESPONSE = 1;
  /** The body is an error body ({@link MessageCodec#encodeError}); only with RESPONSE. */
  public static final int FLAG_ERROR = 1 << 1;
  /** No success response will be sent; never with RESPONSE. */
  public static final int FLAG_ONE_WAY = 1 << 2;

  static final int KNOWN_FLAGS = FLAG_RESPONSE | FLAG_ERROR | FLAG_ONE_WAY;
  static final long MAX_U32 = 0xFFFF_FFFFL;

  public Frame {
    if (version < 0 || version > 0xFF) {
      throw new IllegalArgumentException("version must be a u8, got " + version);
    }
    String flagProblem = flagProblem(flags);
    if (flagProblem != null) {
      throw new IllegalArgumentException(flagProblem);
    }
    if (procedureId < 0 || procedureId > 0xFFFF) {
      throw new IllegalArgumentException("procedureId must be a u16, got " + procedureId);
    }
    if (deadlineMillis < 0 || deadlineMillis > MAX_U32) {
      throw new IllegalArgumentException("deadlineMillis must be a u32, got " + deadlineMillis);
    }
    if (body == null) {
      throw new IllegalArgumentException("body must not be null (use an empty array)");
    }
  }

  /** A request that expects a response. */
  public static Frame request(int procedureId, long requestId, long deadlineMillis, byte[] body) {
    return new Frame(VERSION, 0, procedureId, requestId, deadlineMillis, body);
  }

  /** A one-way message: no response will be sent. */
  public static Frame oneWay(int procedureId, long requestId, byte[] body) {
    return new Frame(VERSION, FLAG_ONE_WAY, procedureId, requestId, 0, body);
  }

  /** A successful response to the request with {@code requestId}. */
  public static Frame response(int procedureId, long requestId, byte[] body) {
    return new Frame(VERSION, FLAG_RESPONSE, procedureId, requestId, 0, body);
  }

  /** An error response; {@code requestId} is 0 when the failed request's id is unknown. */
  public static Frame error(int procedureId, long requestId, ErrorCode code, String message) {
    return new Frame(VERSION, FLAG_RESPONSE | FLAG_ERROR, procedureId, requestId, 0,
        MessageCodec.encodeError(code, message));
  }

  public boolean isResponse() {
    return (flags & FLAG_RESPONSE) != 0;
  }

  public boolean isError() {
    return (flags & FLAG_ERROR) != 0;
  }

  public boolean isOneWay() {
    return (flags & FLAG_ONE_WAY) != 0;
  }

  /** Null when {@code flags} is valid, else a sentence saying what is wrong and what is allowed. */
  static String flagProblem(int flags) {
    if ((flags & ~KNOWN_FLAGS) != 0) {
      return String.format("flags 0x%02x has unknown bits 0x%02x set; only RESPONSE (0x01),"
          + " ERROR (0x02) and ONE_WAY (0x04) are defined", flags, flags & ~KNOWN_FLAGS);
    }
    if ((flags & FLAG_ERROR) != 0 && (flags & FLAG_RESPONSE) == 0) {
      return String.format("flags 0x%02x sets ERROR without RESPONSE; ERROR is only allowed on"
          + " a response", flags);
    }
    if ((flags & FLAG_ONE_WAY) != 0 && (flags & FLAG_RESPONSE) != 0) {
      return String.format("flags 0x%02x sets ONE_WAY with RESPONSE; a response is never"
          + " one-way", flags);
    }
    return null;
  }

  // byte[] compares by reference in a record; frames compare by content.
  @Override
  public boolean equals(Object o) {
    return o instanceof Frame f && version == f.version && flags == f.flags
        && procedureId == f.procedureId && requestId == f.requestId
        && deadlineMillis == f.deadlineMillis && Arrays.equals(body, f.body);
  }

  @Override
  public int hashCode() {
    int h = Integer.hashCode(version);
    h = 31 * h + flags;
    h = 31 * h + procedureId;
    h = 31 * h + Long.hashCode(requestId);
    h = 31 * h + Long.hashCode(deadlineMillis);
    return 31 * h + Arrays.hashCode(body);
  }

  @Override
  public String toString() {
    String hex = HexFormat.of().formatHex(body, 0, Math.min(body.length, 32));
    return "Frame[version=" + version + ", flags=0x" + Integer.toHexString(flags)
        + ", procedureId=" + procedureId + ", requestId=" + requestId
        + ", deadlineMillis=" + deadlineMillis + ", body=" + body.length + " bytes "
        + hex + (body.length > 32 ? "..." : "") + "]";
  }
}
