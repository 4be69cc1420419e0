package io.dkv.server.storage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a test helper's {@code main} in a separate JVM with this JVM's java and class path. */
final class ChildJvm {
  private ChildJvm() {}

  /** Stdout is piped to the caller; stderr goes to {@code stderrFile}, for failure messages. */
  static Process start(Class<?> main, Path stderrFile, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    // A short-lived helper: skip the optimising compiler and keep the heap small.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-Xmx256m");
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command)
        .redirectError(stderrFile.toFile())
        .start();
  }
}
