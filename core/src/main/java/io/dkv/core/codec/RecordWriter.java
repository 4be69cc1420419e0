package io.dkv.core.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable big-endian encoder for the records the cores store and replicate (network byte order,
 * like the wire protocol, so a dump reads the same on every machine). {@link RecordReader} reads
 * what it writes.
 */
public final class RecordWriter {
  private byte[] buf = new byte[64];
  private int size;

  public RecordWriter u8(int v) {
    if (v < 0 || v > 0xFF) {
      throw new IllegalArgumentException(v + " does not fit in an unsigned byte");
    }
    ensure(1);
    buf[size++] = (byte) v;
    return this;
  }

  public RecordWriter u16(int v) {
    if (v < 0 || v > 0xFFFF) {
      throw new IllegalArgumentException(v + " does not fit in 16 unsigned bits");
    }
    ensure(2);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
    return this;
  }

  /** 32 bits, big-endian (read back as a Java int). */
  public RecordWriter u32(int v) {
    ensure(4);
    for (int shift = 24; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >>> shift);
    }
    return this;
  }

  /** 64 bits, big-endian (read back as a Java long). */
  public RecordWriter u64(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >>> shift);
    }
    return this;
  }

  /** A u32 length, then the bytes. */
  public RecordWriter bytes(byte[] b) {
    u32(b.length);
    return raw(b);
  }

  /** The bytes with no length: only as the last field of a record or key. */
  public RecordWriter raw(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, size, b.length);
    size += b.length;
    return this;
  }

  /** A u16 length, then UTF-8. */
  public RecordWriter string(String s) {
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    if (utf8.length > 0xFFFF) {
      throw new IllegalArgumentException("a string of " + utf8.length + " UTF-8 bytes is too long (at most 65535)");
    }
    u16(utf8.length);
    return raw(utf8);
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
