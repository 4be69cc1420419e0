package io.dkv.core.directory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Writes directory fields big-endian; the counterpart of {@link DirectoryReader}. */
final class DirectoryWriter {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  DirectoryWriter u8(int v) {
    if (v < 0 || v > 0xFF) {
      throw new IllegalArgumentException(v + " does not fit in an unsigned byte");
    }
    out.write(v);
    return this;
  }

  DirectoryWriter u16(int v) {
    if (v < 0 || v > 0xFFFF) {
      throw new IllegalArgumentException(v + " does not fit in 16 unsigned bits");
    }
    out.write(v >>> 8);
    out.write(v);
    return this;
  }

  DirectoryWriter i32(int v) {
    for (int shift = 24; shift >= 0; shift -= 8) {
      out.write(v >>> shift);
    }
    return this;
  }

  DirectoryWriter i64(long v) {
    for (int shift = 56; shift >= 0; shift -= 8) {
      out.write((int) (v >>> shift));
    }
    return this;
  }

  /** u16 length, then UTF-8. */
  DirectoryWriter string(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > 0xFFFF) {
      throw new IllegalArgumentException("a string of " + utf8.length
          + " UTF-8 bytes is too long for the directory encoding (at most 65535)");
    }
    u16(utf8.length);
    out.write(utf8, 0, utf8.length);
    return this;
  }

  byte[] toByteArray() {
    return out.toByteArray();
  }
}
