package io.dkv.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads body fields big-endian from an untrusted array. Every read checks the bytes remaining
 * first, so a lying length never allocates or reads out of bounds; every failure is a
 * {@link MalformedMessageException} naming the message, the field and the offset.
 */
final class BodyReader {
  private final byte[] in;
  private final String what; // e.g. "GET request", for error messages
  private int position;

  BodyReader(byte[] in, String what) {
    this.in = in;
    this.what = what;
  }

  int position() {
    return position;
  }

  int remaining() {
    return in.length - position;
  }

  int u8(String field) {
    return (int) raw(field, 1);
  }

  int u16(String field) {
    return (int) raw(field, 2);
  }

  long u32(String field) {
    return raw(field, 4);
  }

  int i32(String field) {
    return (int) raw(field, 4);
  }

  long i64(String field) {
    return raw(field, 8);
  }

  boolean bool(String field) {
    int v = u8(field);
    if (v > 1) {
      throw fail(field, position - 1, "boolean byte is " + v + "; only 0 (false) and 1 (true)"
          + " are allowed");
    }
    return v == 1;
  }

  String string(String field) {
    int start = position;
    int length = u16(field);
    byte[] utf8 = take(field, start, length);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(utf8)).toString();
    } catch (CharacterCodingException e) {
      throw fail(field, start, "string is not valid UTF-8");
    }
  }

  Bytes bytes(String field) {
    int start = position;
    long length = u32(field);
    return Bytes.wrap(take(field, start, length));
  }

  /**
   * A u32 element count, checked against the bytes left so that a lying count cannot make the
   * decoder allocate: every element takes at least {@code minElementBytes}.
   */
  int count(String field, int minElementBytes) {
    int start = position;
    long count = u32(field);
    long needed = count * Math.max(1, minElementBytes);
    if (needed > remaining()) {
      throw fail(field, start, "list count " + count + " needs at least " + needed
          + " bytes but only " + remaining() + " remain");
    }
    return (int) count;
  }

  /** Fails unless every byte has been consumed. */
  void end() {
    if (position != in.length) {
      throw new MalformedMessageException(what + ": " + (in.length - position)
          + " unexpected trailing bytes after offset " + position + "; the body must end after"
          + " its last field");
    }
  }

  MalformedMessageException fail(String field, int offset, String problem) {
    return new MalformedMessageException(what + ": field '" + field + "' at offset " + offset
        + ": " + problem);
  }

  private byte[] take(String field, int lengthOffset, long length) {
    if (length > remaining()) {
      throw fail(field, lengthOffset, "length " + length + " exceeds the " + remaining()
          + " bytes remaining in the body");
    }
    byte[] out = Arrays.copyOfRange(in, position, position + (int) length);
    position += (int) length;
    return out;
  }

  private long raw(String field, int width) {
    if (remaining() < width) {
      throw fail(field, position, "needs " + width + " bytes but only " + remaining()
          + " remain (truncated body)");
    }
    long v = 0;
    for (int i = 0; i < width; i++) {
      v = (v << 8) | (in[position + i] & 0xFF);
    }
    position += width;
    return v;
  }
}
