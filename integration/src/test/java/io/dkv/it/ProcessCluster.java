package io.dkv.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Real {@code dkv server} processes on 127.0.0.1, started from the shaded jar the cli module built,
 * each with its own RocksDB directory. Kills are real: {@code kill -9} through
 * {@link Process#destroyForcibly()}. Every process this class starts is stopped by {@link #close()},
 * by its own handle, also when a test fails.
 */
final class ProcessCluster implements AutoCloseable {
  private static final long START_TIMEOUT_SECONDS = 60;

  private final Path dir;
  private final List<String> ids = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  private final Process[] processes;

  ProcessCluster(Path dir, int nodes) throws IOException {
    this.dir = dir;
    this.processes = new Process[nodes];
    for (int i = 0; i < nodes; i++) {
      ids.add("n" + (i + 1));
      ports.add(freePort());
    }
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("dkv.jar", "../cli/target/dkv.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no dkv jar at " + jar.toAbsolutePath()
          + "; build with ./mvnw verify (the cli module packages it)");
    }
    return jar;
  }

  ProcessCluster startAll() {
    List<CompletableFuture<Void>> serving = new ArrayList<>();
    for (int i = 0; i < processes.length; i++) {
      serving.add(startProcess(i));
    }
    serving.forEach(f -> await(f, START_TIMEOUT_SECONDS));
    return this;
  }

  /** Starts node i (again) on its same port and data directory and waits until it serves. */
  void start(int i) {
    await(startProcess(i), START_TIMEOUT_SECONDS);
  }

  private CompletableFuture<Void> startProcess(int i) {
    if (processes[i] != null && processes[i].isAlive()) {
      throw new IllegalStateException(ids.get(i) + " is already running");
    }
    String members = java.util.stream.IntStream.range(0, ids.size())
        .mapToObj(k -> ids.get(k) + "@127.0.0.1:" + ports.get(k)).collect(Collectors.joining(","));
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED", "-jar", jar().toString(),
        "server", "--node-id", ids.get(i), "--listen", "127.0.0.1:" + ports.get(i),
        "--data", dir.resolve(ids.get(i)).toString(), "--members", members);
    try {
      Path log = dir.resolve(ids.get(i) + ".log");
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      processes[i] = p;
      return watchForServing(p, log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Completes when the process prints its "serving on" line; fails when it exits first. */
  private static CompletableFuture<Void> watchForServing(Process p, Path log) {
    CompletableFuture<Void> serving = new CompletableFuture<>();
    Thread.ofVirtual().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
           PrintWriter out = new PrintWriter(Files.newBufferedWriter(log.resolveSibling(log.getFileName() + ".out"),
               java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true)) {
        String line;
        while ((line = r.readLine()) != null) {
          out.println(line);
          if (line.contains("serving on")) {
            serving.complete(null);
          }
        }
      } catch (IOException e) {
        serving.completeExceptionally(e);
      }
      serving.completeExceptionally(new IllegalStateException("server exited before serving; see " + log));
    });
    return serving;
  }

  /** kill -9: the process gets no chance to flush or close anything. */
  void kill9(int i) {
    Process p = processes[i];
    p.destroyForcibly();
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(ids.get(i) + " did not die after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  boolean isAlive(int i) {
    return processes[i] != null && processes[i].isAlive();
  }

  int size() {
    return processes.length;
  }

  String id(int i) {
    return ids.get(i);
  }

  InetSocketAddress address(int i) {
    return new InetSocketAddress("127.0.0.1", ports.get(i));
  }

  String endpoints() {
    return ports.stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  String endpoint(int i) {
    return "127.0.0.1:" + ports.get(i);
  }

  Path logOf(int i) {
    return dir.resolve(ids.get(i) + ".log");
  }

  @Override
  public void close() {
    for (Process p : processes) {
      if (p != null) {
        p.destroy();
      }
    }
    for (Process p : processes) {
      if (p != null) {
        try {
          if (!p.waitFor(15, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor(15, TimeUnit.SECONDS);
          }
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  private static void await(CompletableFuture<Void> f, long seconds) {
    try {
      f.get(seconds, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("a dkv server did not start: " + e.getMessage(), e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
