package io.dkv.core.eventual;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A hybrid logical clock timestamp (Kulkarni et al., "Logical Physical Clocks", 2014): the
 * largest physical time the issuing clock had heard of, a logical counter that orders events
 * within one millisecond, and the issuing node's id, which makes two timestamps of different
 * nodes never equal. Total order: {@code wallMillis}, then {@code logical}, then the node ids'
 * UTF-8 bytes compared unsigned (a rule any language can implement the same way).
 *
 * <p>Encoding, network byte order, 10 + length(nodeId) bytes:
 * <pre>
 *  0                   1                   2                   3
 * +---------------------------------------------------------------+
 * |        wallMillis (48 bits)               | logical (16 bits) |   u64, big-endian
 * +---------------------------------------------------------------+
 * | nodeId length (u16)   | nodeId (UTF-8) ...
 * +-----------------------+------------------
 * </pre>
 * Packing both clock parts in one u64 keeps versions compact and makes the first 8 bytes
 * compare like the timestamp (big-endian, unsigned). 48 bits of milliseconds last until the year
 * 10889.
 *
 * @param wallMillis milliseconds since the Unix epoch; invariant: 0 <= wallMillis <= {@link #MAX_WALL_MILLIS}
 * @param logical    invariant: 0 <= logical <= {@link #MAX_LOGICAL}
 * @param nodeId     the issuing node; non-empty, at most 65535 UTF-8 bytes
 */
public record HybridTimestamp(long wallMillis, int logical, String nodeId)
    implements Comparable<HybridTimestamp> {
  public static final long MAX_WALL_MILLIS = (1L << 48) - 1;
  public static final int MAX_LOGICAL = 0xFFFF;

  public HybridTimestamp {
    if (wallMillis < 0 || wallMillis > MAX_WALL_MILLIS) {
      throw new IllegalArgumentException("wallMillis " + wallMillis + " is outside 0.." + MAX_WALL_MILLIS);
    }
    if (logical < 0 || logical > MAX_LOGICAL) {
      throw new IllegalArgumentException("logical " + logical + " is outside 0.." + MAX_LOGICAL);
    }
    if (nodeId == null || nodeId.isEmpty()) {
      throw new IllegalArgumentException("nodeId must be a non-empty string");
    }
  }

  @Override
  public int compareTo(HybridTimestamp o) {
    if (wallMillis != o.wallMillis) {
      return Long.compare(wallMillis, o.wallMillis);
    }
    if (logical != o.logical) {
      return Integer.compare(logical, o.logical);
    }
    return nodeId.equals(o.nodeId) ? 0 : Arrays.compareUnsigned(utf8(nodeId), utf8(o.nodeId));
  }

  public boolean isAfter(HybridTimestamp o) {
    return compareTo(o) > 0;
  }

  public void writeTo(RecordWriter w) {
    w.u64(clockBits()).string(nodeId);
  }

  /**
   * The two clock parts packed as on the wire, {@code wallMillis << 16 | logical}: ordered like the
   * timestamps of one node, and what clients see as an eventual value's version (without the node).
   */
  public long clockBits() {
    return wallMillis << 16 | logical;
  }

  /** Reads what {@link #writeTo} wrote; damage fails with the reader's exception type. */
  public static HybridTimestamp readFrom(RecordReader r) {
    long packed = r.u64("timestamp"); // every 64-bit value is a valid pair of clock parts
    int nodeOffset = r.position();
    String node = r.string("timestamp node id");
    if (node.isEmpty()) {
      throw r.fail("timestamp node id", nodeOffset, "empty node id");
    }
    return new HybridTimestamp(packed >>> 16, (int) (packed & MAX_LOGICAL), node);
  }

  public byte[] encode() {
    RecordWriter w = new RecordWriter();
    writeTo(w);
    return w.toByteArray();
  }

  /** The timestamp {@link #encode()} made; {@link IllegalArgumentException} naming the damage otherwise. */
  public static HybridTimestamp decode(byte[] b) {
    RecordReader r = new RecordReader(b, "hybrid timestamp", IllegalArgumentException::new);
    HybridTimestamp t = readFrom(r);
    r.end();
    return t;
  }

  @Override
  public String toString() {
    return wallMillis + "." + logical + "@" + nodeId;
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
