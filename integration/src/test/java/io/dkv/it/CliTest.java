package io.dkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The child-process runner the CLI tests rely on. */
class CliTest {
  private static final int MIB = 1 << 20;

  @TempDir
  Path dir;

  /**
   * A child that writes far more than a pipe buffer to stderr before it writes to stdout: a runner
   * that reads stdout first would block forever while the child blocks on stderr. The timeout runs
   * on a separate thread so that such a hang fails the test instead of hanging the build.
   */
  @Test
  @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
  void aChildThatFloodsBothStreamsCompletesWithAllItsOutput() throws Exception {
    Path source = dir.resolve("Flood.java");
    Files.writeString(source, """
        public class Flood {
          public static void main(String[] args) {
            String line = "x".repeat(1023) + "\\n";
            for (int i = 0; i < 1024; i++) System.err.print(line);
            System.err.flush();
            for (int i = 0; i < 1024; i++) System.out.print(line);
            System.out.flush();
            System.exit(7);
          }
        }
        """);
    Cli.Result r = Cli.runToCompletion(List.of(Cli.java(), "-XX:TieredStopAtLevel=1", source.toString()));
    assertThat(r.exitCode()).as("stderr: %s", r.stderr().lines().findFirst().orElse("")).isEqualTo(7);
    assertThat(r.stderr()).hasSize(MIB);
    assertThat(r.stdout()).hasSize(MIB);
  }
}
