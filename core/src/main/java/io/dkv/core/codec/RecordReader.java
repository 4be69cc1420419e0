package io.dkv.core.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Reads what {@link RecordWriter} wrote, from bytes that may be corrupt or truncated. Every failure
 * names what was being read, the field and its offset, and is thrown as the caller's exception
 * type: the 2PC journal's {@code CorruptRecordException} (a damaged store stops the node), the
 * directory's {@link IllegalArgumentException} (a bad command is refused).
 */
public final class RecordReader {
  private final ByteBuffer in;
  private final String what;
  private final Function<String, ? extends RuntimeException> failure;

  /**
   * @param what    what the bytes are, for messages ("worker record", "directory state")
   * @param failure makes the exception to throw from a message
   */
  public RecordReader(byte[] bytes, String what, Function<String, ? extends RuntimeException> failure) {
    this.in = ByteBuffer.wrap(bytes);
    this.what = what;
    this.failure = failure;
  }

  public int position() {
    return in.position();
  }

  public int u8(String field) {
    need(field, 1);
    return in.get() & 0xFF;
  }

  public int u16(String field) {
    need(field, 2);
    return in.getShort() & 0xFFFF;
  }

  public int u32(String field) {
    need(field, 4);
    return in.getInt();
  }

  public long u64(String field) {
    need(field, 8);
    return in.getLong();
  }

  /** A u32 length, then that many bytes. */
  public byte[] bytes(String field) {
    int start = in.position();
    int length = u32(field);
    if (length < 0) {
      throw fail(field, start, "negative length " + length);
    }
    return raw(field, length);
  }

  /** Everything not read yet. */
  public byte[] rest() {
    return raw("rest", in.remaining());
  }

  /** A u16 length, then strict UTF-8. */
  public String string(String field) {
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
  public <T> T code(String field, IntFunction<T> ofCode) {
    int offset = in.position();
    int code = u8(field);
    try {
      return ofCode.apply(code);
    } catch (IllegalArgumentException e) {
      throw fail(field, offset, e.getMessage());
    }
  }

  /** A u32 element count, refused if the elements cannot fit in the bytes left. */
  public int count(String field, int minElementBytes) {
    int start = in.position();
    int count = u32(field);
    if (count < 0 || (long) count * minElementBytes > in.remaining()) {
      throw fail(field, start, "count " + count + " does not fit in the " + in.remaining() + " bytes left");
    }
    return count;
  }

  /** Fails unless every byte has been read. */
  public void end() {
    if (in.hasRemaining()) {
      throw failure.apply(what + ": " + in.remaining() + " unexpected bytes after the last field, at offset "
          + in.position());
    }
  }

  public RuntimeException fail(String field, int offset, String problem) {
    return failure.apply(what + ": field '" + field + "' at offset " + offset + ": " + problem);
  }

  private byte[] raw(String field, int length) {
    need(field, length);
    byte[] b = new byte[length];
    in.get(b);
    return b;
  }

  private void need(String field, int bytes) {
    if (in.remaining() < bytes) {
      throw fail(field, in.position(), "needs " + bytes + " bytes but only " + in.remaining() + " remain (truncated)");
    }
  }
}
