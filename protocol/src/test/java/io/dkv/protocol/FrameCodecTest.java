package io.dkv.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
  private static final HexFormat HEX = HexFormat.of();

  // Checksums computed by an independent bitwise CRC-32C, not by this code.
  private static final String GOLDEN_REQUEST = "00000016" + "01" + "00" + "0001"
      + "0102030405060708" + "000003e8" + "1c0d3f3e" + "aabb";
  private static final String GOLDEN_ERROR = "0000001c" + "01" + "03" + "0002"
      + "0000000000000009" + "00000000" + "b0b4c1ae" + "0006" + "0004" + "62757379";

  @Test
  void requestHeaderMatchesTheGoldenBytes() {
    Frame f = Frame.request(1, 0x0102030405060708L, 1000, HEX.parseHex("aabb"));
    assertThat(HEX.formatHex(FrameCodec.encode(f))).isEqualTo(GOLDEN_REQUEST);
    assertThat(FrameCodec.decode(afterLength(HEX.parseHex(GOLDEN_REQUEST)))).isEqualTo(f);
  }

  @Test
  void errorFrameMatchesTheGoldenBytes() {
    Frame f = Frame.error(2, 9, ErrorCode.LOCK_CONFLICT, "busy");
    assertThat(HEX.formatHex(FrameCodec.encode(f))).isEqualTo(GOLDEN_ERROR);
    Frame decoded = FrameCodec.decode(afterLength(HEX.parseHex(GOLDEN_ERROR)));
    assertThat(decoded.isResponse()).isTrue();
    assertThat(decoded.isError()).isTrue();
    assertThat(decoded.isOneWay()).isFalse();
  }

  @Test
  void extremeHeaderValuesRoundTrip() {
    Frame f = new Frame(1, Frame.FLAG_ONE_WAY, 0xFFFF, -1L, 0, new byte[0]);
    assertThat(FrameCodec.decode(afterLength(FrameCodec.encode(f)))).isEqualTo(f);
    Frame g = Frame.request(0, Long.MIN_VALUE, 0xFFFF_FFFFL, new byte[] {0});
    assertThat(FrameCodec.decode(afterLength(FrameCodec.encode(g)))).isEqualTo(g);
  }

  @Test
  void encodesIntoABufferAtItsPosition() {
    Frame f = Frame.oneWay(33, 5, new byte[] {1, 2, 3});
    ByteBuffer buf = ByteBuffer.allocate(100).position(10);
    FrameCodec.encode(f, buf);
    assertThat(buf.position()).isEqualTo(10 + FrameCodec.encodedLength(f));
    byte[] written = Arrays.copyOfRange(buf.array(), 10, buf.position());
    assertThat(written).isEqualTo(FrameCodec.encode(f));
    // Decoding a buffer view reads only its remaining bytes and leaves its position alone.
    ByteBuffer view = ByteBuffer.wrap(buf.array(), 14, FrameCodec.encodedLength(f) - 4);
    assertThat(FrameCodec.decode(view)).isEqualTo(f);
    assertThat(view.position()).isEqualTo(14);
    assertThat(FrameCodec.peekRequestId(view)).isEqualTo(5);
    assertThat(FrameCodec.peekProcedureId(view)).isEqualTo(33);
  }

  @Test
  void everyTruncationIsMalformed() {
    byte[] whole = afterLength(FrameCodec.encode(Frame.request(7, 42, 10, new byte[] {9, 8, 7})));
    for (int n = 0; n < whole.length; n++) {
      byte[] prefix = Arrays.copyOf(whole, n);
      assertThatThrownBy(() -> FrameCodec.decode(prefix))
          .as("prefix of %d bytes", n)
          .isInstanceOf(MalformedMessageException.class)
          .extracting(e -> ((MalformedMessageException) e).code())
          .isEqualTo(ErrorCode.MALFORMED_FRAME);
    }
  }

  @Test
  void flippedBitFailsTheChecksum() {
    byte[] whole = afterLength(FrameCodec.encode(Frame.request(7, 42, 10, new byte[] {9, 8, 7})));
    for (int i = 1; i < whole.length; i++) { // byte 0 is the version, checked first
      byte[] bad = whole.clone();
      bad[i] ^= 0x01;
      assertThatThrownBy(() -> FrameCodec.decode(bad))
          .as("bit flipped in byte %d", i)
          .isInstanceOf(MalformedMessageException.class)
          .hasMessageContaining("checksum");
    }
  }

  @Test
  void unknownVersionIsUnsupportedVersion() {
    byte[] whole = afterLength(FrameCodec.encode(Frame.request(7, 42, 10, new byte[0])));
    whole[0] = 2;
    assertThatThrownBy(() -> FrameCodec.decode(whole))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("version 2 is not supported")
        .extracting(e -> ((MalformedMessageException) e).code())
        .isEqualTo(ErrorCode.UNSUPPORTED_VERSION);
  }

  @Test
  void invalidFlagsAreMalformedEvenWithAValidChecksum() {
    int[] invalid = {0x08, 0x80, Frame.FLAG_ERROR, Frame.FLAG_RESPONSE | Frame.FLAG_ONE_WAY,
        Frame.FLAG_ERROR | Frame.FLAG_ONE_WAY, 0xFF};
    for (int flags : invalid) {
      byte[] whole = afterLength(FrameCodec.encode(Frame.request(7, 42, 10, new byte[0])));
      whole[1] = (byte) flags;
      byte[] fixed = withValidChecksum(whole);
      assertThatThrownBy(() -> FrameCodec.decode(fixed))
          .as("flags 0x%02x", flags)
          .isInstanceOf(MalformedMessageException.class)
          .hasMessageContaining("flags");
    }
  }

  @Test
  void constructorRejectsWhatTheWireCannotCarry() {
    assertThatThrownBy(() -> new Frame(1, 0, 0x10000, 0, 0, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Frame.request(1, 0, 0x1_0000_0000L, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Frame(1, 0x10, 1, 0, 0, new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  static byte[] afterLength(byte[] frame) {
    return Arrays.copyOfRange(frame, FrameCodec.LENGTH_FIELD_BYTES, frame.length);
  }

  /** Recomputes the crc field of an after-length frame, as a careful attacker would. */
  private static byte[] withValidChecksum(byte[] afterLength) {
    java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
    crc.update(afterLength, 0, 16);
    crc.update(afterLength, 20, afterLength.length - 20);
    ByteBuffer.wrap(afterLength).putInt(16, (int) crc.getValue());
    return afterLength;
  }
}
