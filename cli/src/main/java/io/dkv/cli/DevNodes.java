package io.dkv.cli;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The server processes of a dev cluster. Thread-safe: the main thread starts and watches them
 * while a shutdown hook may stop them at any moment; once stopping has begun no node starts, so
 * none is left running behind the hook.
 */
final class DevNodes {
  /** How long a node may take to close RocksDB after SIGTERM before it is killed. */
  private static final long STOP_SECONDS = 10;
  /** Exit codes of a JVM ended by SIGINT (Ctrl-C reaches the whole process group) or SIGTERM. */
  private static final List<Integer> STOPPED_BY_SIGNAL = List.of(130, 143);

  record Node(String name, Process process) {}

  /** A node that exited on its own, not stopped by us or by a signal. */
  record Crash(String name, int exitCode) {}

  private final List<Node> started = new ArrayList<>(); // guarded by this
  private boolean stopping; // guarded by this

  /** Starts a node, unless the cluster is stopping. */
  Node start(String name, ProcessBuilder command) throws IOException {
    synchronized (this) {
      if (stopping) {
        throw new IllegalStateException("the dev cluster is stopping; node " + name + " was not started");
      }
      Node node = new Node(name, command.start());
      started.add(node);
      return node;
    }
  }

  synchronized List<Node> nodes() {
    return List.copyOf(started);
  }

  private synchronized boolean stopping() {
    return stopping;
  }

  /** Stops every node (SIGTERM, then SIGKILL after a grace period) and any later start. Idempotent. */
  void stopAll() {
    List<Node> nodes;
    synchronized (this) {
      stopping = true;
      nodes = List.copyOf(started);
    }
    for (Node n : nodes) {
      n.process().destroy(); // SIGTERM: each node closes RocksDB cleanly
    }
    for (Node n : nodes) {
      try {
        if (!n.process().waitFor(STOP_SECONDS, TimeUnit.SECONDS)) {
          n.process().destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        n.process().destroyForcibly();
      }
    }
  }

  /**
   * Waits until a node crashes, or until every node has exited without crashing (stopped by
   * {@link #stopAll} or by a signal). Returns the first crash, if any.
   */
  Optional<Crash> awaitCrash() throws InterruptedException {
    List<Node> running = new ArrayList<>(nodes());
    while (!running.isEmpty()) {
      Node exited = firstToExit(running);
      running.remove(exited);
      int code = exited.process().exitValue();
      if (!stopping() && !STOPPED_BY_SIGNAL.contains(code)) {
        return Optional.of(new Crash(exited.name(), code));
      }
    }
    return Optional.empty();
  }

  private static Node firstToExit(List<Node> nodes) throws InterruptedException {
    CompletableFuture<?>[] exits = nodes.stream()
        .map(n -> n.process().onExit().thenApply(p -> n))
        .toArray(CompletableFuture<?>[]::new);
    try {
      return (Node) CompletableFuture.anyOf(exits).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot watch the nodes' processes: " + e.getCause(), e.getCause());
    }
  }
}
