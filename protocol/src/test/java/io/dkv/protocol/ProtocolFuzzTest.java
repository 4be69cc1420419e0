package io.dkv.protocol;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of the decoders with Jazzer.
 *
 * <p>Under {@code ./mvnw verify} surefire sets {@code JAZZER_FUZZ=1}, so this really fuzzes for
 * the {@code maxDuration} below, starting from the seed corpus in
 * {@code src/test/resources/io/dkv/protocol/ProtocolFuzzTestInputs/fuzzFrames}. Without that
 * variable (say, run from an IDE) Jazzer only replays the seed corpus as a regression test.
 */
class ProtocolFuzzTest {
  @FuzzTest(maxDuration = "25s")
  void fuzzFrames(byte[] data) {
    FuzzTarget.decodeFrame(data);
    // The same bytes as a bare body, under every procedure, reach deeper into the body decoders
    // than frames do (a random frame rarely has a valid checksum).
    if (data.length > 0) {
      FuzzTarget.decodeAll(FuzzTarget.selectProcedure(data[0]),
          java.util.Arrays.copyOfRange(data, 1, data.length));
    }
  }
}
