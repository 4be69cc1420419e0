package io.dkv.server.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyRangesTest {

  @ParameterizedTest(name = "successor of ''{0}'' is ''{1}''")
  @CsvSource({"61, 62", "6162, 6163", "61ff, 62", "61ffff, 62", "7f, 80", "fe, ff", "00, 01",
      "ff, ''", "ffff, ''", "'', ''"})
  void prefixSuccessorIsTheFirstKeyPastTheRange(String prefixHex, String expectedHex) {
    byte[] successor = KeyRanges.prefixSuccessor(HexFormat.of().parseHex(prefixHex));
    if (expectedHex.isEmpty()) {
      assertThat(successor).isNull();
    } else {
      assertThat(HexFormat.of().formatHex(successor)).isEqualTo(expectedHex);
    }
  }
}
