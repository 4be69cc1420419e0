package io.dkv.core.directory;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.IntFunction;

/**
 * Reads directory fields big-endian from bytes that may be corrupt or truncated. Every failure is
 * an {@link IllegalArgumentException} naming what was being read, the field and the offset.
 */
final class DirectoryReader {
  private final ByteBuffer in;
  private final String what;

  DirectoryReader(byte[] bytes, String what) {
    this.in = ByteBuffer.wrap(bytes);
    this.what = what;
  }

  int position() {
    return in.position();
  }

  int u8(String field) {
    need(field, 1);
    return in.get() & 0xFF;
  }

  int u16(String field) {
    need(field, 2);
    return in.getShort() & 0xFFFF;
  }

  int i32(String field) {
    need(field, 4);
    return in.getInt();
  }

  long i64(String field) {
    need(field, 8);
    return in.getLong();
  }

  String string(String field) {
    int start = in.position();
    int length = u16(field);
    need(field, length);
    ByteBuffer utf8 = in.slice(in.position(), length);
    in.position(in.position() + length);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(utf8).toString();
    } catch (CharacterCodingException e) {
      throw fail(field, start, "string is not valid UTF-8");
    }
  }

  /** A u8 code turned into an enum constant by {@code ofCode}, whose error names the known codes. */
  <T> T code(String field, IntFunction<T> ofCode) {
    int offset = in.position();
    int code = u8(field);
    try {
      return ofCode.apply(code);
    } catch (IllegalArgumentException e) {
      throw fail(field, offset, e.getMessage());
    }
  }

  /** An i32 element count, refused if the elements cannot fit in the bytes left. */
  int count(String field, int minElementBytes) {
    int start = in.position();
    int count = i32(field);
    if (count < 0 || (long) count * minElementBytes > in.remaining()) {
      throw fail(field, start, "count " + count + " does not fit in the " + in.remaining()
          + " bytes left");
    }
    return count;
  }

  /** Fails unless every byte has been read. */
  void end() {
    if (in.hasRemaining()) {
      throw new IllegalArgumentException(what + ": " + in.remaining()
          + " unexpected bytes after the last field, at offset " + in.position());
    }
  }

  IllegalArgumentException fail(String field, int offset, String problem) {
    return new IllegalArgumentException(what + ": field '" + field + "' at offset " + offset
        + ": " + problem);
  }

  private void need(String field, int bytes) {
    if (in.remaining() < bytes) {
      throw fail(field, in.position(), "needs " + bytes + " bytes but only " + in.remaining()
          + " remain (truncated)");
    }
  }
}
