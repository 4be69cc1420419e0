package io.dkv.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/** An immutable byte string: keys and values. Equality and order are by content (unsigned bytes). */
public final class Bytes implements Comparable<Bytes> {
  public static final Bytes EMPTY = new Bytes(new byte[0]);

  private final byte[] bytes;
  private int hash;

  private Bytes(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Copies the array, so the caller may reuse it. */
  public static Bytes copyOf(byte[] bytes) {
    return new Bytes(bytes.clone());
  }

  /** Takes ownership of the array: the caller must never change it afterwards. */
  public static Bytes wrap(byte[] bytes) {
    return new Bytes(bytes);
  }

  public static Bytes utf8(String s) {
    return new Bytes(s.getBytes(StandardCharsets.UTF_8));
  }

  public int length() {
    return bytes.length;
  }

  /** A copy of the content. */
  public byte[] toByteArray() {
    return bytes.clone();
  }

  /** The backing array, for codecs and storage only: never modify it. */
  public byte[] unsafeArray() {
    return bytes;
  }

  public String toUtf8() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bytes other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    int h = hash;
    if (h == 0) {
      h = Arrays.hashCode(bytes);
      hash = h;
    }
    return h;
  }

  @Override
  public int compareTo(Bytes o) {
    return Arrays.compareUnsigned(bytes, o.bytes);
  }

  /** Printable ASCII as text, anything else as hex: for logs and error messages. */
  @Override
  public String toString() {
    for (byte b : bytes) {
      if (b < 0x20 || b > 0x7e) {
        return "0x" + HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 64))
            + (bytes.length > 64 ? "..." : "");
      }
    }
    String s = toUtf8();
    return s.length() > 64 ? s.substring(0, 64) + "..." : s;
  }
}
