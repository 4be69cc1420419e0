package io.dkv.torture;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs host commands ({@code ip}, {@code nft}, {@code kill}, {@code apt-get}) to completion. Blocks
 * the calling thread; a command that exits non-zero or outlives its timeout throws
 * {@link CommandFailedException} with its output, and a timed-out command is killed first.
 */
final class Shell {
  private static final long DEFAULT_TIMEOUT_SECONDS = 30;

  private Shell() {}

  static final class CommandFailedException extends RuntimeException {
    CommandFailedException(String message) {
      super(message);
    }
  }

  static String run(String... command) {
    return run(List.of(command), "", Map.of(), DEFAULT_TIMEOUT_SECONDS);
  }

  static String runWithInput(List<String> command, String stdin) {
    return run(command, stdin, Map.of(), DEFAULT_TIMEOUT_SECONDS);
  }

  /** Runs {@code command} with {@code stdin} and extra environment; returns its standard output. */
  static String run(List<String> command, String stdin, Map<String, String> env, long timeoutSeconds) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    Process p;
    try {
      p = builder.start();
    } catch (IOException e) {
      throw new CommandFailedException("cannot run " + String.join(" ", command) + ": " + e.getMessage());
    }
    // Both streams are drained while the command runs, so a chatty command never blocks on a full pipe.
    CompletableFuture<String> out = drain(p.getInputStream());
    CompletableFuture<String> err = drain(p.getErrorStream());
    try (OutputStream in = p.getOutputStream()) {
      in.write(stdin.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      // The command exited without reading its input; its exit status below says why.
    }
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new CommandFailedException(String.join(" ", command) + " did not finish within "
            + timeoutSeconds + " s");
      }
      if (p.exitValue() != 0) {
        throw new CommandFailedException(String.join(" ", command) + " exited with " + p.exitValue()
            + ": " + err.join().strip() + (stdin.isEmpty() ? "" : "\ninput was:\n" + stdin));
      }
      return out.join();
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new CommandFailedException("interrupted while running " + String.join(" ", command));
    }
  }

  private static CompletableFuture<String> drain(InputStream stream) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try (stream) {
        text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        text.completeExceptionally(new UncheckedIOException(e));
      }
    });
    return text;
  }

  /** True when an executable called {@code name} is on the PATH. */
  static boolean onPath(String name) {
    String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    for (String dir : path.split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
        return true;
      }
    }
    return false;
  }
}
