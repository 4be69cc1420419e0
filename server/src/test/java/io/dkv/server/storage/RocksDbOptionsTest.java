package io.dkv.server.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RocksDbOptionsTest {

  @Test
  void defaultsSuitLargeValuesAndBoundedMemory() {
    RocksDbOptions d = RocksDbOptions.defaults();
    assertThat(d.minBlobBytes()).isEqualTo(64 * 1024);
    assertThat(d.blockCacheBytes()).isEqualTo(256L << 20);
    assertThat(d.totalWriteBufferBytes()).isGreaterThanOrEqualTo(d.writeBufferBytes());
    assertThat(d.maxBackgroundJobs()).isBetween(2, 8);
  }

  @Test
  void rejectsValuesOutOfRangeNamingTheSetting() {
    assertThatThrownBy(() -> new RocksDbOptions(0, 4L << 20, 8L << 20, 0, 10, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("blockCacheBytes is 0");
    assertThatThrownBy(() -> new RocksDbOptions(8L << 20, 8L << 20, 4L << 20, 0, 10, 2))
        .hasMessageStartingWith("totalWriteBufferBytes is 4194304");
    assertThatThrownBy(() -> new RocksDbOptions(8L << 20, 4L << 20, 8L << 20, -1, 10, 2))
        .hasMessageStartingWith("minBlobBytes is -1");
    assertThatThrownBy(() -> new RocksDbOptions(8L << 20, 4L << 20, 8L << 20, 0, 0, 2))
        .hasMessageStartingWith("bloomBitsPerKey is 0");
    assertThatThrownBy(() -> new RocksDbOptions(8L << 20, 4L << 20, 8L << 20, 0, 10, 0))
        .hasMessageStartingWith("maxBackgroundJobs is 0");
  }
}
