package io.dkv.server;

import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.Member;
import io.dkv.core.directory.NodeState;
import io.dkv.core.directory.StateCodec;
import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.Storage;
import io.dkv.core.storage.WriteBatch;
import io.dkv.server.directory.Directory;
import io.dkv.server.directory.DirectoryConfig;
import io.dkv.server.directory.RatisDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's side of the directory: runs its part of the Raft group ({@link RatisDirectory}),
 * initializes a new cluster from the configured member list, and keeps the current
 * {@link Cluster} view that every request routes by.
 *
 * <p>The newest state is also kept in the node's META column family. A restarted node starts
 * serving from it at once, so strong reads and writes, which never ask the directory, stay
 * available while a majority of the voters is down; the directory's newer states replace it as
 * they arrive. The cache is only a starting point: a request routed with an older epoch than a
 * replica's is refused and retried, whatever the source of either view.
 */
final class NodeDirectory implements ClusterSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeDirectory.class);
  static final byte[] STATE_KEY = "directory/state".getBytes(StandardCharsets.UTF_8);
  /** How long a node without a cached state waits for the directory before it gives up. */
  static final long FIRST_STATE_TIMEOUT_MILLIS = 120_000;
  /** Between two attempts to initialize a new cluster while no voter majority answers yet. */
  private static final long INITIALIZE_RETRY_MILLIS = 1_000;
  /** The longest {@link #awaitEpoch} waits for this node's view to catch up. */
  static final long AWAIT_EPOCH_MILLIS = 5_000;

  private final NodeConfig config;
  private final Storage storage;
  private final Directory directory;
  private final CompletableFuture<Void> firstState = new CompletableFuture<>();
  /** Told of every new view, on the directory's thread. */
  private final List<Consumer<Cluster>> listeners = new CopyOnWriteArrayList<>();
  /** Callers of {@link #awaitEpoch}, completed as this node's view reaches their epoch. */
  private final List<EpochWaiter> waiters = new CopyOnWriteArrayList<>();
  private volatile Cluster cluster;

  private NodeDirectory(NodeConfig config, Storage storage, Directory directory) {
    this.config = config;
    this.storage = storage;
    this.directory = directory;
  }

  /**
   * Starts this node's part of the directory and returns once there is a state to serve from:
   * the cached one, or the directory's first (initializing a new cluster if needed).
   *
   * @throws ConfigException if this node is not a member of the cluster, or no state arrives
   *     within {@link #FIRST_STATE_TIMEOUT_MILLIS}
   */
  static NodeDirectory start(NodeConfig config, Storage storage) throws IOException, InterruptedException {
    Directory directory = RatisDirectory.start(DirectoryConfig.of(config.nodeId(), config.voters(),
        config.dataDir().resolve("directory"), config.partitionCount(), config.replicationFactor()));
    NodeDirectory node = new NodeDirectory(config, storage, directory);
    try {
      node.awaitFirstState();
      node.requireMember(node.cluster.state());
      return node;
    } catch (InterruptedException | RuntimeException e) {
      node.close();
      throw e;
    }
  }

  private void awaitFirstState() throws InterruptedException {
    byte[] cached = storage.get(ColumnFamily.META, STATE_KEY);
    if (cached != null) {
      DirectoryState state = StateCodec.decode(cached);
      cluster = new Cluster(state);
      firstState.complete(null);
      log.info("node {}: serving from the cached directory state at epoch {}", config.nodeId(), state.epoch());
    }
    directory.addListener(this::onState);
    onState(directory.current()); // a state that arrived before the listener
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FIRST_STATE_TIMEOUT_MILLIS);
    while (!firstState.isDone()) {
      if (directory.current().members().isEmpty()) {
        initialize();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new ConfigException("node " + config.nodeId() + " got no directory state within "
            + FIRST_STATE_TIMEOUT_MILLIS / 1000 + " s: no majority of the voters " + config.voters()
            + " answered; start them, and check that their Raft addresses are right");
      }
      try {
        firstState.get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(INITIALIZE_RETRY_MILLIS)),
            TimeUnit.NANOSECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // Not yet: try again (a voter majority may still be starting).
      }
    }
  }

  /**
   * Proposes the configured members as a new cluster's. Every node of a new cluster does this; the
   * directory accepts the first and refuses the rest, so they all end with the same members.
   */
  private void initialize() throws InterruptedException {
    var joins = config.members().stream()
        .map(m -> new DirectoryCommand.Join(m.nodeId(), m.host() + ":" + m.port())).toList();
    try {
      CommandResult result = directory.submit(new DirectoryCommand.Initialize(joins))
          .get(INITIALIZE_RETRY_MILLIS * 10, TimeUnit.MILLISECONDS);
      if (result instanceof CommandResult.Accepted) {
        log.info("node {}: initialized the directory with {}", config.nodeId(), config.members());
      } else {
        log.debug("node {}: another node initialized the directory first: {}", config.nodeId(), result);
      }
    } catch (ExecutionException | TimeoutException e) {
      log.debug("node {}: the directory did not take the initial members yet: {}", config.nodeId(), e.toString());
    }
  }

  /** Runs on the directory's thread, in increasing epoch order: cache, then publish. */
  private synchronized void onState(DirectoryState state) {
    if (state.members().isEmpty() || (cluster != null && state.epoch() <= cluster.state().epoch())) {
      return;
    }
    storage.write(new WriteBatch().put(ColumnFamily.META, STATE_KEY, StateCodec.encode(state)));
    cluster = new Cluster(state);
    firstState.complete(null);
    listeners.forEach(l -> l.accept(cluster));
    for (EpochWaiter w : waiters) {
      if (w.epoch() <= state.epoch()) {
        waiters.remove(w);
        w.seen().complete(null);
      }
    }
  }

  /**
   * Completes once this node's view is at {@code epoch} or later, or after
   * {@link #AWAIT_EPOCH_MILLIS} even if it is not (a non-voter sees a change within a poll period;
   * a caller that waited longer would only fail a change that is applied).
   */
  CompletableFuture<Void> awaitEpoch(long epoch) {
    EpochWaiter w = new EpochWaiter(epoch, new CompletableFuture<>());
    waiters.add(w);
    if (cluster.state().epoch() >= epoch) { // reached before the waiter was added
      waiters.remove(w);
      w.seen().complete(null);
    }
    return w.seen().completeOnTimeout(null, AWAIT_EPOCH_MILLIS, TimeUnit.MILLISECONDS)
        .whenComplete((v, e) -> waiters.remove(w));
  }

  private record EpochWaiter(long epoch, CompletableFuture<Void> seen) {}

  private void requireMember(DirectoryState state) {
    Optional<Member> self = state.member(config.nodeId());
    if (self.isEmpty() || self.get().state() == NodeState.REMOVED) {
      throw new ConfigException("node " + config.nodeId() + " is not a member of this cluster"
          + " (directory epoch " + state.epoch() + ", members " + state.replicaHolders() + "); the"
          + " cluster was initialized with another member list");
    }
  }

  /** The current view; never null once {@link #start} has returned. */
  @Override
  public Cluster current() {
    return cluster;
  }

  /** Calls {@code listener} with the current view now and with every newer one (must not block). */
  void onChange(Consumer<Cluster> listener) {
    listeners.add(listener);
    listener.accept(cluster);
  }

  @Override
  public CompletableFuture<Cluster> refresh() {
    // The directory publishes a newer state to onState before the future completes.
    return directory.refresh().thenApply(state -> cluster);
  }

  Directory directory() {
    return directory;
  }

  @Override
  public void close() throws IOException {
    directory.close();
  }
}
