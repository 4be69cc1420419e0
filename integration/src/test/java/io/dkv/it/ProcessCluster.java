package io.dkv.it;

import io.dkv.rpc.LoopbackPorts;
import io.dkv.torture.NodeIds;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Real {@code dkv server} processes on 127.0.0.1, started from the shaded jar the cli module built,
 * each with its own RocksDB directory. Kills are real: {@code kill -9} through
 * {@link Process#destroyForcibly()}. Every process this class starts is stopped by {@link #close()},
 * by its own handle, also when a test fails. A server that exits when the test did not kill it is a
 * failure: {@link #kill9}, {@link #start} and {@link #close()} report it with its exit code and the
 * tail of its log.
 *
 * <p>The first nodes found the cluster ({@code --members}, {@code --voters}); any nodes after them
 * are joiners, started later with {@code --join} through the first node.
 */
final class ProcessCluster implements AutoCloseable {
  private static final long START_TIMEOUT_SECONDS = 60;
  private static final long STOP_TIMEOUT_SECONDS = 30;
  private static final int LOG_TAIL_LINES = 40;
  /** What a JVM exits with after SIGTERM (128 + 15) once its shutdown hooks ran. */
  private static final int SIGTERM_EXIT_CODE = 143;

  private final Path dir;
  /** Nodes 0 to founders - 1 found the cluster; the others join it. */
  private final int founders;
  private final List<String> ids = new ArrayList<>();
  private final List<Integer> ports = new ArrayList<>();
  /** Raft ports of the directory voters (the first one or three nodes). */
  private final List<Integer> raftPorts = new ArrayList<>();
  private final Process[] processes;
  /** Whether node i's current process was killed by {@link #kill9}: the only allowed way to exit. */
  private final boolean[] killedByTest;

  /** A kill -9 of one node: the node was running at {@code fromNanos} and dead at {@code toNanos}. */
  record Kill(int node, long fromNanos, long toNanos) {}

  ProcessCluster(Path dir, int nodes) throws IOException {
    this(dir, nodes, 0);
  }

  /** A cluster of {@code founders} nodes, and {@code joiners} more that {@link #start} makes join it. */
  ProcessCluster(Path dir, int founders, int joiners) throws IOException {
    this.dir = dir;
    this.founders = founders;
    this.processes = new Process[founders + joiners];
    this.killedByTest = new boolean[founders + joiners];
    for (int i = 0; i < founders + joiners; i++) {
      ids.add("n" + (i + 1));
      ports.add(LoopbackPorts.next());
    }
    for (int i = 0; i < NodeIds.voterCount(founders); i++) {
      raftPorts.add(LoopbackPorts.next());
    }
  }

  /** The directory's voters, as in {@code dkv dev}: n1, or n1 to n3 from 3 nodes on. */
  private String voters() {
    return java.util.stream.IntStream.range(0, raftPorts.size())
        .mapToObj(k -> ids.get(k) + "@127.0.0.1:" + raftPorts.get(k)).collect(Collectors.joining(","));
  }

  static Path jar() {
    Path jar = Path.of(System.getProperty("dkv.jar", "../cli/target/dkv.jar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no dkv jar at " + jar.toAbsolutePath()
          + "; build with ./mvnw verify (the cli module packages it)");
    }
    return jar;
  }

  /**
   * Starts every founding node and waits until all serve; if one does not, stops the others before
   * failing.
   */
  ProcessCluster startAll() {
    try {
      List<CompletableFuture<Void>> serving = new ArrayList<>();
      for (int i = 0; i < founders; i++) {
        serving.add(startProcess(i));
      }
      for (int i = 0; i < founders; i++) {
        awaitServing(i, serving.get(i));
      }
      return this;
    } catch (RuntimeException | Error e) {
      try {
        close(); // the caller never gets this cluster to close
      } catch (RuntimeException | Error alsoBroken) {
        e.addSuppressed(alsoBroken);
      }
      throw e;
    }
  }

  /**
   * Starts node i (again) on its same port and data directory, with the same command line, and
   * waits until it serves.
   */
  void start(int i) {
    awaitServing(i, startProcess(i));
  }

  private CompletableFuture<Void> startProcess(int i) {
    if (processes[i] != null && processes[i].isAlive()) {
      throw new IllegalStateException(ids.get(i) + " is already running");
    }
    if (processes[i] != null && !killedByTest[i]) {
      throw new AssertionError(diedOnItsOwn(i));
    }
    String members = java.util.stream.IntStream.range(0, founders)
        .mapToObj(k -> ids.get(k) + "@127.0.0.1:" + ports.get(k)).collect(Collectors.joining(","));
    List<String> cmd = new ArrayList<>(List.of(Cli.java(), "-Xmx512m", "-XX:+UseSerialGC",
        "--enable-native-access=ALL-UNNAMED", "-jar", jar().toString(), "server", "--node-id", ids.get(i),
        "--listen", "127.0.0.1:" + ports.get(i), "--data", dir.resolve(ids.get(i)).toString()));
    cmd.addAll(i < founders ? List.of("--members", members, "--voters", voters())
        : List.of("--join", endpoint(0)));
    try {
      Path log = logOf(i);
      Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
      processes[i] = p;
      killedByTest[i] = false;
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
      serving.completeExceptionally(new IllegalStateException(exitedBeforeServing(p)));
    });
    return serving;
  }

  private static String exitedBeforeServing(Process p) {
    try {
      return p.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)
          ? "it exited with code " + p.exitValue() + " before serving"
          : "it closed its standard output before serving";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "it closed its standard output before serving";
    }
  }

  /** kill -9: the process gets no chance to flush or close anything. Fails if it had already exited. */
  Kill kill9(int i) {
    Process p = processes[i];
    if (!p.isAlive()) {
      throw new AssertionError(diedOnItsOwn(i));
    }
    long fromNanos = System.nanoTime();
    p.destroyForcibly();
    try {
      if (!p.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IllegalStateException(ids.get(i) + " did not die within " + STOP_TIMEOUT_SECONDS
            + " s of SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while killing " + ids.get(i), e);
    }
    killedByTest[i] = true;
    return new Kill(i, fromNanos, System.nanoTime());
  }

  /** The operating-system process id of node i, for a test that plays an outside cause of death. */
  long pid(int i) {
    return processes[i].pid();
  }

  boolean isAlive(int i) {
    return processes[i] != null && processes[i].isAlive();
  }

  /** Killed by the test and not started since. */
  boolean killedByTest(int i) {
    return killedByTest[i];
  }

  /** Every node, joiners included. */
  int size() {
    return processes.length;
  }

  String id(int i) {
    return ids.get(i);
  }

  InetSocketAddress address(int i) {
    return new InetSocketAddress("127.0.0.1", ports.get(i));
  }

  /** The founding nodes' addresses. */
  String endpoints() {
    return ports.subList(0, founders).stream().map(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
  }

  String endpoint(int i) {
    return "127.0.0.1:" + ports.get(i);
  }

  Path logOf(int i) {
    return dir.resolve(ids.get(i) + ".log");
  }

  /**
   * Stops every running node with SIGTERM and waits for it. Fails, after stopping all of them, if a
   * node had exited on its own, did not stop within {@value #STOP_TIMEOUT_SECONDS} s, or stopped
   * with an exit code other than a clean SIGTERM exit.
   */
  @Override
  public void close() {
    List<String> problems = new ArrayList<>();
    boolean[] stopping = new boolean[processes.length];
    for (int i = 0; i < processes.length; i++) {
      Process p = processes[i];
      if (p == null || killedByTest[i]) {
        continue;
      }
      if (p.isAlive()) {
        stopping[i] = true;
        p.destroy();
      } else {
        problems.add(diedOnItsOwn(i));
      }
    }
    for (int i = 0; i < processes.length; i++) {
      if (stopping[i]) {
        stopAfterSigterm(i).ifPresent(problems::add);
      }
    }
    if (!problems.isEmpty()) {
      throw new AssertionError(String.join("\n\n", problems));
    }
  }

  /** Waits for node i to exit after SIGTERM; returns what went wrong, if anything. */
  private Optional<String> stopAfterSigterm(int i) {
    Process p = processes[i];
    try {
      if (!p.waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return Optional.of(ids.get(i) + " did not stop within " + STOP_TIMEOUT_SECONDS
            + " s of SIGTERM and was killed" + logTail(i));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      return Optional.of("interrupted while stopping " + ids.get(i));
    }
    int code = p.exitValue();
    if (code != 0 && code != SIGTERM_EXIT_CODE) {
      return Optional.of(ids.get(i) + " stopped on SIGTERM with exit code " + code + logTail(i));
    }
    return Optional.empty();
  }

  private String diedOnItsOwn(int i) {
    return ids.get(i) + " exited on its own with exit code " + processes[i].exitValue()
        + " (the test did not kill it)" + logTail(i);
  }

  /** The last lines of node i's standard error, where it logs, for a failure message. */
  private String logTail(int i) {
    Path log = logOf(i);
    try {
      List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines().toList();
      return "; last " + Math.min(LOG_TAIL_LINES, lines.size()) + " lines of " + log + ":\n"
          + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (IOException e) {
      return "; its log " + log + " cannot be read: " + e;
    }
  }

  private void awaitServing(int i, CompletableFuture<Void> serving) {
    try {
      serving.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting " + ids.get(i), e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(ids.get(i) + " did not start: " + e.getCause().getMessage() + logTail(i), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException(ids.get(i) + " did not serve within " + START_TIMEOUT_SECONDS + " s"
          + logTail(i), e);
    }
  }

}
