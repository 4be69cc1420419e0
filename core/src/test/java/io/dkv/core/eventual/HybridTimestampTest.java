package io.dkv.core.eventual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The timestamp's order and its binary encoding: golden bytes, round trips, damaged bytes. */
class HybridTimestampTest {
  private static final HexFormat HEX = HexFormat.of();

  @Provide
  static Arbitrary<HybridTimestamp> timestamps() {
    return Combinators.combine(
        Arbitraries.longs().between(0, HybridTimestamp.MAX_WALL_MILLIS),
        Arbitraries.integers().between(0, HybridTimestamp.MAX_LOGICAL),
        Arbitraries.of("n1", "n2", "n10", "node-\u00e9", "\uD83D\uDE00")).as(HybridTimestamp::new);
  }

  @Test
  void encodesInNetworkByteOrderWithBothClockPartsInOneWord() {
    HybridTimestamp t = new HybridTimestamp(1_700_000_000_123L, 7, "n1");
    // 1_700_000_000_123 = 0x018BCFE5687B in 48 bits, then logical 7 in 16 bits, then "n1".
    assertThat(HEX.formatHex(t.encode())).isEqualTo("018bcfe5687b0007" + "0002" + "6e31");
    assertThat(HybridTimestamp.decode(HEX.parseHex("018bcfe5687b00070002" + "6e31"))).isEqualTo(t);
  }

  @Test
  void theLargestTimestampUsesEveryBitOfTheWord() {
    HybridTimestamp t = new HybridTimestamp(HybridTimestamp.MAX_WALL_MILLIS, HybridTimestamp.MAX_LOGICAL, "a");
    assertThat(HEX.formatHex(t.encode())).isEqualTo("ffffffffffffffff" + "0001" + "61");
    assertThat(HybridTimestamp.decode(t.encode())).isEqualTo(t);
  }

  @Property
  void roundTrips(@ForAll("timestamps") HybridTimestamp t) {
    assertThat(HybridTimestamp.decode(t.encode())).isEqualTo(t);
  }

  @Property
  void orderIsWallThenLogicalThenNodeIdBytes(@ForAll("timestamps") HybridTimestamp a,
                                            @ForAll("timestamps") HybridTimestamp b) {
    int expected = a.wallMillis() != b.wallMillis() ? Long.compare(a.wallMillis(), b.wallMillis())
        : a.logical() != b.logical() ? Integer.compare(a.logical(), b.logical())
        : java.util.Arrays.compareUnsigned(a.nodeId().getBytes(java.nio.charset.StandardCharsets.UTF_8),
            b.nodeId().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    assertThat(Integer.signum(a.compareTo(b))).isEqualTo(Integer.signum(expected));
    assertThat(a.compareTo(b) == 0).isEqualTo(a.equals(b));
  }

  @Test
  void nodeIdsCompareByUtf8BytesNotByUtf16Units() {
    // U+FF61 is one UTF-16 unit above the surrogates, but its UTF-8 bytes (EF BD A1) sort below
    // those of U+1F600 (F0 9F 98 80): String.compareTo would say the opposite.
    HybridTimestamp bmp = new HybridTimestamp(5, 0, "\uFF61");
    HybridTimestamp astral = new HybridTimestamp(5, 0, "\uD83D\uDE00");
    assertThat(bmp.compareTo(astral)).isNegative();
  }

  @Test
  void damagedBytesAreRefusedWithTheFieldAndOffset() {
    assertThatThrownBy(() -> HybridTimestamp.decode(HEX.parseHex("018bcfe5687b00")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("field 'timestamp' at offset 0").hasMessageContaining("truncated");
    assertThatThrownBy(() -> HybridTimestamp.decode(HEX.parseHex("018bcfe5687b00070000")))
        .hasMessageContaining("field 'timestamp node id' at offset 8: empty node id");
    assertThatThrownBy(() -> HybridTimestamp.decode(HEX.parseHex("018bcfe5687b000700016e31")))
        .hasMessageContaining("1 unexpected bytes after the last field");
  }

  @Test
  void outOfRangePartsAreRefused() {
    assertThatThrownBy(() -> new HybridTimestamp(-1, 0, "n1")).hasMessageContaining("wallMillis -1 is outside");
    assertThatThrownBy(() -> new HybridTimestamp(1L << 48, 0, "n1")).hasMessageContaining("is outside 0..");
    assertThatThrownBy(() -> new HybridTimestamp(0, 1 << 16, "n1")).hasMessageContaining("logical 65536 is outside");
    assertThatThrownBy(() -> new HybridTimestamp(0, 0, "")).hasMessageContaining("non-empty");
  }
}
