package io.dkv.protocol;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Writes body fields big-endian into an exactly sized array. Encoding runs twice: once in counting
 * mode to learn the size, once for real, so a 128 MiB value is copied once and never into a
 * buffer that grows by doubling.
 */
final class BodyWriter {
  static final int MAX_STRING_BYTES = 0xFFFF;

  private final byte[] out; // null in counting mode
  private int position;

  private BodyWriter(byte[] out) {
    this.out = out;
  }

  /** Runs {@code fields} twice (count, then write) and returns the exact bytes. */
  static byte[] write(Consumer<BodyWriter> fields) {
    BodyWriter counter = new BodyWriter(null);
    fields.accept(counter);
    BodyWriter writer = new BodyWriter(new byte[counter.position]);
    fields.accept(writer);
    if (writer.position != writer.out.length) {
      throw new IllegalStateException("encoder wrote " + writer.position + " bytes, counted "
          + writer.out.length);
    }
    return writer.out;
  }

  BodyWriter u8(int v) {
    if (v < 0 || v > 0xFF) {
      throw new IllegalArgumentException("value " + v + " does not fit in a u8");
    }
    return raw(v, 1);
  }

  BodyWriter u16(int v) {
    if (v < 0 || v > 0xFFFF) {
      throw new IllegalArgumentException("value " + v + " does not fit in a u16");
    }
    return raw(v, 2);
  }

  BodyWriter u32(long v) {
    if (v < 0 || v > 0xFFFF_FFFFL) {
      throw new IllegalArgumentException("value " + v + " does not fit in a u32");
    }
    return raw(v, 4);
  }

  BodyWriter i32(int v) {
    return raw(v, 4);
  }

  BodyWriter i64(long v) {
    return raw(v, 8);
  }

  BodyWriter bool(boolean v) {
    return raw(v ? 1 : 0, 1);
  }

  /** u16 byte length, then UTF-8. */
  BodyWriter string(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > MAX_STRING_BYTES) {
      throw new IllegalArgumentException("string of " + utf8.length + " UTF-8 bytes exceeds the "
          + MAX_STRING_BYTES + "-byte limit of a u16-prefixed string");
    }
    raw(utf8.length, 2);
    return array(utf8);
  }

  /** u32 length, then the bytes. */
  BodyWriter bytes(Bytes b) {
    raw(b.length(), 4);
    return array(b.unsafeArray());
  }

  private BodyWriter array(byte[] a) {
    if (out != null) {
      System.arraycopy(a, 0, out, position, a.length);
    }
    position += a.length;
    return this;
  }

  private BodyWriter raw(long v, int width) {
    if (out != null) {
      for (int i = width - 1; i >= 0; i--) {
        out[position + width - 1 - i] = (byte) (v >>> (8 * i));
      }
    }
    position += width;
    return this;
  }
}
