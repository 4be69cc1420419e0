package io.dkv.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeClockTest {
  @AfterEach
  void resetOffset() {
    NodeClock.setOffsetMillis(0);
  }

  @Test
  void aForwardOffsetJumpsTheClockAndABackwardOneNeverMakesItGoBack() {
    long real = realMillis();
    NodeClock.setOffsetMillis(60_000);
    long skewed = NodeClock.nowMillis();
    assertThat(skewed).isGreaterThanOrEqualTo(real + 60_000);
    NodeClock.setOffsetMillis(-60_000);
    long afterBackward = NodeClock.nowMillis();
    assertThat(afterBackward).as("clamped: the clock stands still instead of going back").isGreaterThanOrEqualTo(skewed);
  }

  @Test
  void theWallClockTakesTheOffsetBothWaysUnclampedForTheHybridClock() {
    NodeClock.setOffsetMillis(60_000);
    long before = System.currentTimeMillis();
    long ahead = NodeClock.wallMillis();
    assertThat(ahead).isBetween(before + 60_000, System.currentTimeMillis() + 60_000);
    NodeClock.setOffsetMillis(-60_000);
    assertThat(NodeClock.wallMillis()).as("steps back: the eventual core copes").isLessThan(ahead - 100_000);
  }

  @Test
  void theOffsetFileIsReadAtOnceAndAnUnreadableOneKeepsTheLastOffset(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("offset");
    Files.writeString(file, "30000\n");
    NodeClock.watchOffsetFile(file);
    assertThat(NodeClock.nowMillis()).isGreaterThanOrEqualTo(realMillis() + 30_000);
    Files.writeString(file, "soon");
    NodeClock.watchOffsetFile(file); // reads at once: unparsable, so the offset stays
    assertThat(NodeClock.nowMillis()).isGreaterThanOrEqualTo(realMillis() + 30_000);
  }

  /** The clock without offset (other tests may have left the clamped clock ahead of it). */
  private static long realMillis() {
    return System.nanoTime() / 1_000_000;
  }
}
