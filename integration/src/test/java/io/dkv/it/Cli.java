package io.dkv.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real dkv command (the shaded jar) in its own process. */
final class Cli {
  private static final long TIMEOUT_SECONDS = 60;

  record Result(int exitCode, String stdout, String stderr) {}

  private Cli() {}

  /** Runs {@code dkv args...} to completion (see {@link #runToCompletion}). */
  static Result run(String... args) throws IOException, InterruptedException {
    return runFor(TIMEOUT_SECONDS, args);
  }

  /** {@link #run} for a command that may take up to {@code timeoutSeconds} (it waits for the cluster). */
  static Result runFor(long timeoutSeconds, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(java(), "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
        "-jar", ProcessCluster.jar().toString()));
    cmd.addAll(List.of(args));
    return runToCompletion(cmd, timeoutSeconds);
  }

  /** The java launcher of the JVM that runs the tests. */
  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /**
   * Runs a command with no input and returns its exit code and output. Both output streams go to
   * files, not pipes: a child that fills one pipe while we block reading the other would deadlock,
   * and a child that hangs would hold us in a read past the timeout.
   */
  static Result runToCompletion(List<String> cmd) throws IOException, InterruptedException {
    return runToCompletion(cmd, TIMEOUT_SECONDS);
  }

  private static Result runToCompletion(List<String> cmd, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path out = Files.createTempFile("dkv-cli-", ".out");
    Path err = Files.createTempFile("dkv-cli-", ".err");
    try {
      Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      p.getOutputStream().close();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        throw new IllegalStateException(String.join(" ", cmd) + " did not finish in " + timeoutSeconds
            + " s; its stderr: " + read(err));
      }
      return new Result(p.exitValue(), read(out), read(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }

  private static String read(Path file) throws IOException {
    return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
  }
}
