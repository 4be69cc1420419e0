package io.dkv.core.twopc;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Decodes what {@link BinaryWriter} wrote. A truncated or malformed record throws
 * {@link CorruptRecordException}: the store is damaged and the node must not guess.
 */
final class BinaryReader {
  private final byte[] buf;
  private int pos;

  BinaryReader(byte[] buf) {
    this.buf = buf;
  }

  int u8() {
    need(1);
    return buf[pos++] & 0xFF;
  }

  int u16() {
    need(2);
    int v = ((buf[pos] & 0xFF) << 8) | (buf[pos + 1] & 0xFF);
    pos += 2;
    return v;
  }

  int u32() {
    need(4);
    int v = 0;
    for (int i = 0; i < 4; i++) {
      v = (v << 8) | (buf[pos++] & 0xFF);
    }
    return v;
  }

  long u64() {
    need(8);
    long v = 0;
    for (int i = 0; i < 8; i++) {
      v = (v << 8) | (buf[pos++] & 0xFF);
    }
    return v;
  }

  byte[] bytes() {
    int n = u32();
    if (n < 0) {
      throw new CorruptRecordException("negative length " + n);
    }
    return raw(n);
  }

  byte[] raw(int n) {
    need(n);
    byte[] b = Arrays.copyOfRange(buf, pos, pos + n);
    pos += n;
    return b;
  }

  /** Everything not read yet. */
  byte[] rest() {
    return raw(buf.length - pos);
  }

  String string() {
    return new String(raw(u16()), StandardCharsets.UTF_8);
  }

  void expectEnd() {
    if (pos != buf.length) {
      throw new CorruptRecordException((buf.length - pos) + " unexpected trailing bytes");
    }
  }

  private void need(int n) {
    if (n > buf.length - pos) {
      throw new CorruptRecordException("record truncated: need " + n + " bytes at " + pos
          + ", have " + (buf.length - pos));
    }
  }
}
