package io.dkv.protocol;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Encodes and decodes {@link Frame}s. Pure functions over byte arrays and buffers; no I/O, no
 * state, safe from any thread.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                 length (u32): bytes after this field          |  0
 * +---------------+---------------+-------------------------------+
 * |  version (u8) |  flags (u8)   |       procedure id (u16)      |  4
 * +---------------+---------------+-------------------------------+
 * |                                                               |  8
 * +                       request id (u64)                        +
 * |                                                               | 12
 * +---------------------------------------------------------------+
 * |             deadline (u32): milliseconds, 0 = none            | 16
 * +---------------------------------------------------------------+
 * |           crc32c (u32) over bytes 4..19 and the body          | 20
 * +---------------------------------------------------------------+
 * |                         body ...                              | 24
 * </pre>
 *
 * All integers are big-endian. Bytes 0..15 (length, version, flags, procedure id, request id)
 * keep their meaning in every future version, so that any node can delimit a frame, tell which
 * version sent it and address an UNSUPPORTED_VERSION reply to the right request.
 */
public final class FrameCodec {
  /** Size of the length field that precedes every frame. */
  public static final int LENGTH_FIELD_BYTES = 4;
  /** Header bytes after the length field: version .. crc32c. */
  public static final int HEADER_BYTES = 20;
  /** Bytes of a frame with an empty body. */
  public static final int FRAME_OVERHEAD_BYTES = LENGTH_FIELD_BYTES + HEADER_BYTES;

  // Offsets relative to the first byte after the length field.
  private static final int VERSION_OFFSET = 0;
  private static final int FLAGS_OFFSET = 1;
  private static final int PROCEDURE_OFFSET = 2;
  private static final int REQUEST_ID_OFFSET = 4;
  private static final int DEADLINE_OFFSET = 12;
  private static final int CRC_OFFSET = 16;
  /** The checksum covers version .. deadline, which is everything before the crc field. */
  private static final int CHECKED_HEADER_BYTES = CRC_OFFSET;

  private FrameCodec() {}

  /** The whole frame, length field included. */
  public static byte[] encode(Frame frame) {
    byte[] out = new byte[encodedLength(frame)];
    encode(frame, ByteBuffer.wrap(out));
    return out;
  }

  /** Bytes {@link #encode} produces for this frame, length field included. */
  public static int encodedLength(Frame frame) {
    long total = (long) FRAME_OVERHEAD_BYTES + frame.body().length;
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("frame of " + total + " bytes is too long to encode");
    }
    return (int) total;
  }

  /**
   * Writes the whole frame, length field included, at the buffer's position (whatever its byte
   * order) and advances the position.
   *
   * @throws BufferOverflowException if fewer than {@link #encodedLength} bytes remain
   */
  public static void encode(Frame frame, ByteBuffer out) {
    if (out.remaining() < encodedLength(frame)) {
      throw new BufferOverflowException();
    }
    encodeHeader(frame, out);
    out.put(frame.body());
  }

  /**
   * Writes only the {@link #FRAME_OVERHEAD_BYTES} bytes before the body (length field included,
   * checksum computed over the body) and advances the position. Lets a transport send the body
   * array as it is, without copying it behind the header.
   *
   * @throws BufferOverflowException if fewer than {@link #FRAME_OVERHEAD_BYTES} bytes remain
   */
  public static void encodeHeader(Frame frame, ByteBuffer out) {
    int length = encodedLength(frame);
    if (out.remaining() < FRAME_OVERHEAD_BYTES) {
      throw new BufferOverflowException();
    }
    ByteBuffer b = out.duplicate().order(ByteOrder.BIG_ENDIAN);
    int start = b.position();
    b.putInt(length - LENGTH_FIELD_BYTES);
    b.put((byte) frame.version());
    b.put((byte) frame.flags());
    b.putShort((short) frame.procedureId());
    b.putLong(frame.requestId());
    b.putInt((int) frame.deadlineMillis());
    b.putInt(checksum(b, start + LENGTH_FIELD_BYTES, frame.body()));
    out.position(b.position());
  }

  /** Decodes one frame from all of {@code afterLength}: the bytes after the length field. */
  public static Frame decode(byte[] afterLength) {
    return decode(ByteBuffer.wrap(afterLength));
  }

  /**
   * Decodes one frame from all remaining bytes of {@code afterLength} (the bytes after the length
   * field, exactly as many as the length field said). Reads with absolute gets: the buffer's
   * position is not changed. The body is copied, so the buffer may be reused afterwards.
   *
   * @throws MalformedMessageException if the header is short, the version is not
   *     {@link Frame#VERSION} (code UNSUPPORTED_VERSION), the flags are invalid or the checksum
   *     does not match
   */
  public static Frame decode(ByteBuffer afterLength) {
    ByteBuffer b = afterLength.duplicate().order(ByteOrder.BIG_ENDIAN);
    int start = b.position();
    int size = b.remaining();
    if (size < HEADER_BYTES) {
      throw new MalformedMessageException("frame length " + size + " is shorter than the "
          + HEADER_BYTES + "-byte header; the length field must be at least " + HEADER_BYTES);
    }
    int version = Byte.toUnsignedInt(b.get(start + VERSION_OFFSET));
    // Version first: a later version may lay out the rest of the header differently.
    if (version != Frame.VERSION) {
      throw new MalformedMessageException(ErrorCode.UNSUPPORTED_VERSION, "protocol version "
          + version + " is not supported; this node speaks version " + Frame.VERSION);
    }
    int flags = Byte.toUnsignedInt(b.get(start + FLAGS_OFFSET));
    int procedureId = Short.toUnsignedInt(b.getShort(start + PROCEDURE_OFFSET));
    long requestId = b.getLong(start + REQUEST_ID_OFFSET);
    long deadlineMillis = Integer.toUnsignedLong(b.getInt(start + DEADLINE_OFFSET));
    int crc = b.getInt(start + CRC_OFFSET);
    byte[] body = new byte[size - HEADER_BYTES];
    b.get(start + HEADER_BYTES, body);
    int expected = checksum(b, start, body);
    if (crc != expected) {
      throw new MalformedMessageException(String.format("frame checksum mismatch: header says"
          + " crc32c 0x%08x but bytes 4..19 and the %d-byte body give 0x%08x (corrupted or not a"
          + " dkv frame)", crc, body.length, expected));
    }
    String flagProblem = Frame.flagProblem(flags);
    if (flagProblem != null) {
      throw new MalformedMessageException(flagProblem);
    }
    return new Frame(version, flags, procedureId, requestId, deadlineMillis, body);
  }

  /**
   * The request id of a frame that may be malformed, for the error reply; 0 when fewer than the
   * needed bytes are present. Reads {@code afterLength} without changing its position.
   */
  public static long peekRequestId(ByteBuffer afterLength) {
    if (afterLength.remaining() < REQUEST_ID_OFFSET + Long.BYTES) {
      return 0;
    }
    return afterLength.duplicate().order(ByteOrder.BIG_ENDIAN)
        .getLong(afterLength.position() + REQUEST_ID_OFFSET);
  }

  /** Like {@link #peekRequestId}, for the procedure id; 0 when not present. */
  public static int peekProcedureId(ByteBuffer afterLength) {
    if (afterLength.remaining() < PROCEDURE_OFFSET + Short.BYTES) {
      return 0;
    }
    return Short.toUnsignedInt(afterLength.duplicate().order(ByteOrder.BIG_ENDIAN)
        .getShort(afterLength.position() + PROCEDURE_OFFSET));
  }

  private static int checksum(ByteBuffer b, int headerStart, byte[] body) {
    CRC32C crc = new CRC32C();
    crc.update(b.slice(headerStart, CHECKED_HEADER_BYTES));
    crc.update(body);
    return (int) crc.getValue();
  }
}
