package io.dkv.torture;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts one process per node inside that node's network ({@link Network#commandPrefix}) and does
 * to it what crashes and stalls do: {@code kill -9} and restart, SIGSTOP and SIGCONT. Every signal
 * goes to the exact pid this class started ({@code ip netns exec} execs the command, so that pid
 * is the command itself). {@link #close()} (and a JVM shutdown hook) resumes, stops and reaps every
 * process it ever started, and their children. A node's output, both streams, is appended to
 * {@code <logDir>/<node id>.log}, with a header line per start.
 *
 * <p>Methods block until the change has taken effect (started and ready, dead and reaped, stopped,
 * running again) or throw {@link IllegalStateException}; they are synchronized, so one nemesis
 * may be driven from several threads.
 */
public final class ProcessNemesis implements AutoCloseable {
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
  private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(5);

  private record Spec(List<String> command, String readyLine, Duration readyTimeout) {}

  private final Network network;
  private final Path logDir;
  private final Spec[] specs;
  private final Process[] processes;
  private final boolean[] paused;
  private final CleanupLog cleanup = new CleanupLog("process nemesis");

  public ProcessNemesis(Network network, Path logDir) {
    this.network = network;
    this.logDir = logDir;
    this.specs = new Spec[network.nodeCount()];
    this.processes = new Process[network.nodeCount()];
    this.paused = new boolean[network.nodeCount()];
  }

  /**
   * Starts {@code command} as node {@code node} and returns once a line of its output contains
   * {@code readyLine}. Throws, after stopping the process, when it exits or stays silent past
   * {@code readyTimeout}. The command is remembered for {@link #restart}.
   */
  public synchronized void start(int node, List<String> command, String readyLine, Duration readyTimeout) {
    remember(node, command, readyLine, readyTimeout);
    launch(node);
  }

  /**
   * Starts the first {@code commands.size()} nodes at once, node i with {@code commands.get(i)},
   * and returns once all are ready; the other nodes are left for {@link #start}. Nodes of one
   * cluster may need each other before any is ready (a majority of the directory's voters), so
   * none waits for another to start.
   */
  public synchronized void startAll(List<List<String>> commands, String readyLine, Duration readyTimeout) {
    if (commands.isEmpty() || commands.size() > network.nodeCount()) {
      throw new IllegalArgumentException(commands.size() + " commands for " + network.nodeCount()
          + " nodes: allowed 1 to " + network.nodeCount());
    }
    for (int node = 0; node < commands.size(); node++) {
      remember(node, commands.get(node), readyLine, readyTimeout);
    }
    List<CompletableFuture<Void>> ready = new ArrayList<>();
    for (int node = 0; node < commands.size(); node++) {
      ready.add(spawn(node));
    }
    for (int node = 0; node < commands.size(); node++) {
      awaitReady(node, ready.get(node));
    }
  }

  private void remember(int node, List<String> command, String readyLine, Duration readyTimeout) {
    NodeIds.requireIndex(node, network.nodeCount());
    if (command.isEmpty() || readyLine.isEmpty()) {
      throw new IllegalArgumentException("a node needs a command and a non-empty ready line");
    }
    specs[node] = new Spec(List.copyOf(command), readyLine, readyTimeout);
  }

  /** Starts node {@code node} again with the command of its last {@link #start}. */
  public synchronized void restart(int node) {
    requireStarted(node);
    launch(node);
  }

  /** SIGKILL: the process gets no chance to flush or close anything. Returns once it is reaped. */
  public synchronized void kill9(int node) {
    Process p = requireRunning(node);
    p.destroyForcibly();
    awaitExit(p, node);
    paused[node] = false;
  }

  /** SIGSTOP; returns once the kernel reports the process stopped. */
  public synchronized void pause(int node) {
    Process p = requireRunning(node);
    Shell.run("kill", "-STOP", Long.toString(p.pid()));
    awaitStopped(p, true);
    paused[node] = true;
  }

  /** SIGCONT; returns once the process runs again. */
  public synchronized void resume(int node) {
    Process p = requireRunning(node);
    Shell.run("kill", "-CONT", Long.toString(p.pid()));
    awaitStopped(p, false);
    paused[node] = false;
  }

  /**
   * Stops the node cleanly (SIGTERM, SIGKILL if it is not gone within 15 s) and returns once it
   * is reaped: for a node that has left the cluster, not a crash. {@link #restart} starts it again.
   */
  public synchronized void stop(int node) {
    terminate(requireRunning(node));
    paused[node] = false;
  }

  public synchronized boolean isRunning(int node) {
    NodeIds.requireIndex(node, network.nodeCount());
    return processes[node] != null && processes[node].isAlive();
  }

  public synchronized boolean isPaused(int node) {
    return isRunning(node) && paused[node];
  }

  public synchronized long pid(int node) {
    return requireRunning(node).pid();
  }

  public Path log(int node) {
    return logDir.resolve(NodeIds.of(node) + ".log");
  }

  @Override
  public void close() {
    cleanup.close();
  }

  private void launch(int node) {
    awaitReady(node, spawn(node));
  }

  /** Starts node {@code node}'s process; the future completes when it prints its ready line. */
  private CompletableFuture<Void> spawn(int node) {
    if (isRunning(node)) {
      throw new IllegalStateException(NodeIds.of(node) + " is already running as pid " + processes[node].pid());
    }
    Spec spec = specs[node];
    List<String> full = new ArrayList<>(network.commandPrefix(node));
    full.addAll(spec.command());
    Process p;
    try {
      Files.createDirectories(logDir);
      Files.writeString(log(node), "--- " + NodeIds.of(node) + ": " + String.join(" ", full) + "\n",
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      p = new ProcessBuilder(full).redirectErrorStream(true).start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + NodeIds.of(node) + ": " + String.join(" ", full), e);
    }
    cleanup.created("process " + NodeIds.of(node) + " pid " + p.pid(), () -> terminate(p));
    processes[node] = p;
    paused[node] = false;
    return watchOutput(p, log(node), spec.readyLine());
  }

  /** Waits for node {@code node} to be ready; stops its process and throws if it is not in time. */
  private void awaitReady(int node, CompletableFuture<Void> ready) {
    Spec spec = specs[node];
    Process p = processes[node];
    try {
      ready.get(spec.readyTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      terminate(p);
      throw new IllegalStateException(NodeIds.of(node) + " did not print '" + spec.readyLine() + "' within "
          + spec.readyTimeout() + "; see " + log(node), e);
    } catch (InterruptedException e) {
      terminate(p);
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting " + NodeIds.of(node), e);
    }
  }

  /** Copies the output to the log; completes when a line contains {@code readyLine}, fails at exit. */
  private static CompletableFuture<Void> watchOutput(Process p, Path log, String readyLine) {
    CompletableFuture<Void> ready = new CompletableFuture<>();
    Thread.ofVirtual().name("dkv-nemesis-output-" + p.pid()).start(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
           PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardOpenOption.APPEND), true)) {
        String line;
        while ((line = in.readLine()) != null) {
          out.println(line);
          if (line.contains(readyLine)) {
            ready.complete(null);
          }
        }
      } catch (IOException e) {
        ready.completeExceptionally(e);
      }
      ready.completeExceptionally(new IllegalStateException("pid " + p.pid() + " ended its output before it was ready"));
    });
    return ready;
  }

  /** Resumes a stopped process (a stopped process ignores SIGTERM), then SIGTERM, then SIGKILL. */
  private static void terminate(Process p) {
    List<ProcessHandle> children = p.descendants().toList();
    try {
      if (p.isAlive()) {
        Shell.run("kill", "-CONT", Long.toString(p.pid()));
        p.destroy();
        if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
          p.destroyForcibly().waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    } catch (Shell.CommandFailedException e) {
      p.destroyForcibly(); // it exited between the check and the signal, or cannot be signalled
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
  }

  private static void awaitExit(Process p, int node) {
    try {
      if (!p.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException(NodeIds.of(node) + " (pid " + p.pid() + ") did not die after SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reaping " + NodeIds.of(node), e);
    }
  }

  private static void awaitStopped(Process p, boolean stopped) {
    long deadline = System.nanoTime() + SIGNAL_TIMEOUT.toNanos();
    while (isStopped(p.pid()) != stopped) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("pid " + p.pid() + " is not " + (stopped ? "stopped" : "running")
            + " " + SIGNAL_TIMEOUT + " after the signal");
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
    }
  }

  /** The state letter of /proc/PID/stat is 'T' for a process stopped by a signal. */
  private static boolean isStopped(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      // The command name in parentheses may hold spaces and parentheses; the state follows the last ')'.
      return stat.charAt(stat.lastIndexOf(')') + 2) == 'T';
    } catch (IOException e) {
      return false; // gone: not stopped
    }
  }

  private Process requireRunning(int node) {
    NodeIds.requireIndex(node, network.nodeCount());
    if (!isRunning(node)) {
      throw new IllegalStateException(NodeIds.of(node) + " is not running");
    }
    return processes[node];
  }

  private void requireStarted(int node) {
    NodeIds.requireIndex(node, network.nodeCount());
    if (specs[node] == null) {
      throw new IllegalStateException(NodeIds.of(node) + " was never started, so there is no command to restart");
    }
  }
}
