package io.dkv.core.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.protocol.Bytes;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Pins the key-to-partition function, a wire contract. The expected hashes were computed outside
 * Java: {@code xxhsum -H1} over {@code u32be(len(ns)) || ns || key}, as docs/placement.md specifies.
 * If one of these fails, the change breaks every deployed client and cluster: revert it.
 */
class PartitionerTest {

  @ParameterizedTest(name = "({0}, 0x{1})")
  @CsvSource({
      "default, 757365723a3432, 92726b8af5477c66, 102, 142, 6",
      "default, '',             3fe39a38b1232a86, 134, 838, 6",
      "'',      78,             2ffbf993423bb8f2, 242, 610, 6",
      "ab,      63,             fd178d596914c4b5, 181, 413, 4",
      "a,       6263,           564754e60088044c, 76,  332, 5",
      "naïve,   ff0080,         e8f46551d7616f87, 135, 551, 5"})
  void goldenHashesAndPartitions(String namespace, String keyHex, String hashHex, int mod256,
                                 int mod1000, int mod7) {
    Bytes key = Bytes.wrap(HexFormat.of().parseHex(keyHex));
    assertThat(Partitioner.hash(namespace, key)).isEqualTo(Long.parseUnsignedLong(hashHex, 16));
    assertThat(Partitioner.partitionOf(namespace, key, 256)).isEqualTo(mod256);
    assertThat(Partitioner.partitionOf(namespace, key, 1000)).isEqualTo(mod1000);
    assertThat(Partitioner.partitionOf(namespace, key, 7)).isEqualTo(mod7);
  }

  @Test
  void goldenLongKeysUseTheStripeLoop() {
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    assertThat(Partitioner.hash("orders", Bytes.wrap(all)))
        .isEqualTo(Long.parseUnsignedLong("fafac8339e7026d9", 16));
    assertThat(Partitioner.hash("default", Bytes.utf8("k".repeat(40))))
        .isEqualTo(Long.parseUnsignedLong("cac263dac97a3690", 16));
  }

  @Test
  void namespaceAndKeyBoundaryMatters() {
    assertThat(Partitioner.hash("ab", Bytes.utf8("c"))).isNotEqualTo(Partitioner.hash("a", Bytes.utf8("bc")));
  }

  @Test
  void theHashIsUnsignedSoNegativeHashesStillLandInRange() {
    // 0xfd178d596914c4b5 is negative as a signed long; a signed % would give a negative partition.
    assertThat(Partitioner.hash("ab", Bytes.utf8("c"))).isNegative();
    assertThat(Partitioner.partitionOf("ab", Bytes.utf8("c"), 1000)).isEqualTo(413);
  }

  @Test
  void spreadsKeysEvenlyOverTheDefaultRing() {
    int q = Partitioner.DEFAULT_PARTITION_COUNT;
    int[] hits = new int[q];
    int keys = q * 200;
    for (int i = 0; i < keys; i++) {
      hits[Partitioner.partitionOf("default", Bytes.utf8("user:" + i), q)]++;
    }
    // 200 expected per partition, standard deviation about 14; 6 sigma either side.
    assertThat(java.util.Arrays.stream(hits).min().orElseThrow()).isGreaterThanOrEqualTo(115);
    assertThat(java.util.Arrays.stream(hits).max().orElseThrow()).isLessThanOrEqualTo(285);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> Partitioner.partitionOf("default", Bytes.utf8("k"), 0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> Partitioner.partitionOf(null, Bytes.utf8("k"), 8))
        .isInstanceOf(NullPointerException.class);
  }
}
