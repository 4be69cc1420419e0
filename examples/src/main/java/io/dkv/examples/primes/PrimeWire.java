package io.dkv.examples.primes;

import io.dkv.protocol.MalformedMessageException;
import java.nio.ByteBuffer;

/**
 * The example's procedures and marshalling: u32 arguments and results in network byte order, the
 * seed's htonl/ntohl.
 *
 * <pre>
 * ith_prime  (id 1)  request: i u32              response: prime u32
 * is_coprime (id 2)  request: x u32, y u32       response: 1 if coprime else 0, u32
 * </pre>
 */
public final class PrimeWire {
  public static final int ITH_PRIME = 1;
  public static final int IS_COPRIME = 2;
  static final long MAX_U32 = 0xFFFF_FFFFL;

  private PrimeWire() {}

  /** The arguments as consecutive u32s. */
  static byte[] encode(long... values) {
    ByteBuffer b = ByteBuffer.allocate(4 * values.length);
    for (long v : values) {
      if (v < 0 || v > MAX_U32) {
        throw new IllegalArgumentException(v + " is not a u32 (0.." + MAX_U32 + ")");
      }
      b.putInt((int) v);
    }
    return b.array();
  }

  /**
   * Exactly {@code count} u32s from {@code body}.
   *
   * @throws MalformedMessageException when the body has another length
   */
  static long[] decode(byte[] body, int count, String what) {
    if (body.length != 4 * count) {
      throw new MalformedMessageException(what + " takes " + count + " u32 (" + (4 * count)
          + " bytes), got " + body.length + " bytes");
    }
    ByteBuffer b = ByteBuffer.wrap(body);
    long[] out = new long[count];
    for (int i = 0; i < count; i++) {
      out[i] = Integer.toUnsignedLong(b.getInt());
    }
    return out;
  }
}
