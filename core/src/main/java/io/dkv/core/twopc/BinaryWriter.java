package io.dkv.core.twopc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A growable big-endian encoder for the records this core stores (network byte order, like the
 * wire protocol, so a dump of the store reads the same on every machine).
 */
final class BinaryWriter {
  private byte[] buf = new byte[64];
  private int size;

  BinaryWriter u8(int v) {
    ensure(1);
    buf[size++] = (byte) v;
    return this;
  }

  BinaryWriter u16(int v) {
    if (v < 0 || v > 0xFFFF) {
      throw new IllegalArgumentException("does not fit in 16 bits: " + v);
    }
    ensure(2);
    buf[size++] = (byte) (v >>> 8);
    buf[size++] = (byte) v;
    return this;
  }

  BinaryWriter u32(int v) {
    ensure(4);
    for (int shift = 24; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >>> shift);
    }
    return this;
  }

  BinaryWriter u64(long v) {
    ensure(8);
    for (int shift = 56; shift >= 0; shift -= 8) {
      buf[size++] = (byte) (v >>> shift);
    }
    return this;
  }

  /** A u32 length, then the bytes. */
  BinaryWriter bytes(byte[] b) {
    u32(b.length);
    return raw(b);
  }

  /** The bytes with no length: only as the last field of a record or key. */
  BinaryWriter raw(byte[] b) {
    ensure(b.length);
    System.arraycopy(b, 0, buf, size, b.length);
    size += b.length;
    return this;
  }

  /** A u16 length, then UTF-8. */
  BinaryWriter string(String s) {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    u16(b.length);
    return raw(b);
  }

  byte[] toByteArray() {
    return Arrays.copyOf(buf, size);
  }

  private void ensure(int more) {
    if (size + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
    }
  }
}
