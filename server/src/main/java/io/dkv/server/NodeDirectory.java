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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
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
  /** At most one {@link #refresh} a node sends to the leader per this interval. */
  static final long MIN_REFRESH_INTERVAL_MILLIS = 200;

  private final NodeConfig config;
  /** The voters, Q and RF: configured on a founding node, from the JOIN answer on a joined one. */
  private final DirectoryConfig settings;
  private final Storage storage;
  private final Directory directory;
  private final CompletableFuture<Void> firstState = new CompletableFuture<>();
  /** Told of every new view, on the directory's thread. */
  private final List<Consumer<Cluster>> listeners = new CopyOnWriteArrayList<>();
  /** Callers of {@link #awaitEpoch}, completed as this node's view reaches their epoch. */
  private final List<EpochWaiter> waiters = new CopyOnWriteArrayList<>();
  private volatile Cluster cluster;
  /** Whether this node may serve strong reads now, renewed by {@link #heartbeats}. */
  private final ReadLease lease;
  private volatile Heartbeats heartbeats; // set once start has the first state
  /**
   * Where calls into the directory run: a Ratis client call may block while too many of them are
   * in flight, and must never block a network event loop.
   */
  private final ExecutorService calls;
  /** Guarded by {@code this}: the refresh in flight, shared by its callers, and when it began. */
  private CompletableFuture<Cluster> refreshing;
  private long lastRefreshNanos;
  /** Guarded by {@code this}: whether an older directory than the cached copy was reported. */
  private boolean warnedDirectoryBehind;

  /** The clock of the refresh rate limit: {@link System#nanoTime}, or a test's. */
  private volatile LongSupplier refreshClock = System::nanoTime;

  private NodeDirectory(NodeConfig config, DirectoryConfig settings, Storage storage,
                        Directory directory) {
    this.config = config;
    this.settings = settings;
    this.storage = storage;
    this.directory = directory;
    this.lease = new ReadLease(config.failureDetection().leaseMillis());
    this.calls = Executors.newSingleThreadExecutor(
        Thread.ofPlatform().daemon().name("dkv-directory-calls-" + config.nodeId()).factory());
  }

  /**
   * Starts this node's part of the directory with {@code settings} (see {@link #founding} and
   * {@link ClusterJoin}) and returns once there is a state to serve from: the cached one, or the
   * directory's first (a founding node initializes a new cluster if needed; a joining node only
   * waits for it).
   *
   * @throws ConfigException if this node is not a member of the cluster, or no state arrives
   *     within {@link #FIRST_STATE_TIMEOUT_MILLIS}
   */
  static NodeDirectory start(NodeConfig config, DirectoryConfig settings, Storage storage)
      throws IOException, InterruptedException {
    return start(config, settings, storage, RatisDirectory.start(settings));
  }

  /** The directory settings of a node that founds a cluster: its configured voters, Q and RF. */
  static DirectoryConfig founding(NodeConfig config) {
    return settings(config, config.voters(), config.partitionCount(), config.replicationFactor());
  }

  /** This node's directory settings with these voters, Q and RF. */
  static DirectoryConfig settings(NodeConfig config, List<MemberAddress> voters, int partitionCount,
                                  int replicationFactor) {
    return DirectoryConfig.of(config.nodeId(), voters, config.dataDir().resolve("directory"),
        partitionCount, replicationFactor, config.failureDetection());
  }

  /** {@link #start(NodeConfig, DirectoryConfig, Storage)} of a founding node on a directory already running. */
  static NodeDirectory start(NodeConfig config, Storage storage, Directory directory)
      throws IOException, InterruptedException {
    return start(config, founding(config), storage, directory);
  }

  /** {@link #start(NodeConfig, DirectoryConfig, Storage)} on a directory already running, which it now owns. */
  static NodeDirectory start(NodeConfig config, DirectoryConfig settings, Storage storage,
                             Directory directory) throws IOException, InterruptedException {
    NodeDirectory node = new NodeDirectory(config, settings, storage, directory);
    try {
      node.awaitFirstState();
      node.requireSameCluster(node.cluster.state());
      node.heartbeats = new Heartbeats(config.nodeId(), directory, node.lease,
          () -> node.cluster.state().epoch(), node::refresh,
          config.failureDetection().heartbeatMillis());
      return node;
    } catch (InterruptedException | RuntimeException e) {
      node.close();
      throw e;
    }
  }

  private void awaitFirstState() throws InterruptedException {
    byte[] cached = storage.get(ColumnFamily.META, STATE_KEY);
    DirectoryState state = cached == null ? null : StateCodec.decode(cached);
    if (state != null && config.join() != null && !isMember(state)) {
      // Removed, then joined again: the copy is from before the join, which has just been applied.
      log.info("node {}: its cached directory state at epoch {} is from before it joined again;"
          + " waiting for the directory's", config.nodeId(), state.epoch());
    } else if (state != null) {
      cluster = new Cluster(state);
      firstState.complete(null);
      log.info("node {}: serving from the cached directory state at epoch {}", config.nodeId(), state.epoch());
    }
    directory.addListener(this::onState);
    onState(directory.current()); // a state that arrived before the listener
    // A joining node never initializes: the cluster it joined exists, and its Join is applied.
    DirectoryCommand.Initialize init = config.join() == null ? initialCommand() : null;
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FIRST_STATE_TIMEOUT_MILLIS);
    while (!firstState.isDone()) {
      if (init != null && directory.current().members().isEmpty()) {
        initialize(init);
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new ConfigException("node " + config.nodeId() + " got no directory state within "
            + FIRST_STATE_TIMEOUT_MILLIS / 1000 + " s: no majority of the voters " + settings.voters()
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
   * The command that makes the configured members a new cluster's, checked here first with the
   * directory's own rules: a member list the directory would refuse stops the node at once, with
   * the reason, instead of leaving it waiting for a cluster that can never start.
   */
  private DirectoryCommand.Initialize initialCommand() {
    var joins = config.members().stream()
        .map(m -> new DirectoryCommand.Join(m.nodeId(), m.host() + ":" + m.port())).toList();
    var init = new DirectoryCommand.Initialize(joins, config.partitionCount(), config.replicationFactor());
    CommandResult check = DirectoryState.initial(config.partitionCount(), config.replicationFactor())
        .apply(init).result();
    if (check instanceof CommandResult.Rejected r) {
      throw new ConfigException("the member list " + config.members() + " cannot start a cluster: "
          + r.reason());
    }
    return init;
  }

  /**
   * Proposes the configured members as a new cluster's. Every node of a new cluster does this; the
   * directory accepts the first and refuses the rest, so they all end with the same members.
   */
  private void initialize(DirectoryCommand.Initialize init) throws InterruptedException {
    try {
      CommandResult result = directory.submit(init)
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
    if (state.members().isEmpty()) {
      return;
    }
    if (cluster != null && state.epoch() <= cluster.state().epoch()) {
      if (state.epoch() < cluster.state().epoch() && !warnedDirectoryBehind) {
        warnedDirectoryBehind = true;
        log.warn("node {}: the directory is at epoch {}, behind this node's copy at epoch {}: was"
            + " the voters' Raft storage lost? The node keeps its copy and ignores the directory"
            + " until it passes that epoch", config.nodeId(), state.epoch(), cluster.state().epoch());
      }
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

  /** This node belongs to the cluster the directory describes, with the same Q and RF. */
  private void requireSameCluster(DirectoryState state) {
    if (state.map().partitionCount() != settings.partitionCount()
        || state.map().replicationFactor() != settings.replicationFactor()) {
      throw new ConfigException("node " + config.nodeId() + " is configured with --partitions "
          + settings.partitionCount() + " --replication " + settings.replicationFactor() + ", but the"
          + " cluster was created with " + state.map().partitionCount() + " and "
          + state.map().replicationFactor() + "; start it with the cluster's values");
    }
    if (!isMember(state)) {
      throw new ConfigException("node " + config.nodeId() + " is not a member of this cluster"
          + " (directory epoch " + state.epoch() + ", members " + state.replicaHolders() + "); "
          + (config.join() == null ? "the cluster was initialized with another member list"
              : "it was removed after it joined; start it again to join anew"));
    }
  }

  /** Whether this node is a member of {@code state} that has not been removed. */
  private boolean isMember(DirectoryState state) {
    Optional<Member> self = state.member(config.nodeId());
    return self.isPresent() && self.get().state() != NodeState.REMOVED;
  }

  /** The current view; never null once {@link #start} has returned. */
  @Override
  public Cluster current() {
    return cluster;
  }

  /**
   * Calls {@code listener} with the current view now and with every newer one, in order (must not
   * block). Synchronized with {@link #onState}, so a newer view can never reach it first.
   */
  synchronized void onChange(Consumer<Cluster> listener) {
    listeners.add(listener);
    listener.accept(cluster);
  }

  /**
   * Asks the directory's leader for anything newer. Callers share one request in flight, and a
   * node sends at most one per {@link #MIN_REFRESH_INTERVAL_MILLIS} (later callers get the view as
   * it is), so a client repeating a request for an unknown namespace cannot flood the leader.
   */
  /** For tests: the rate limit of {@link #refresh} reads this clock (nanoseconds) instead. */
  void refreshClock(LongSupplier nanos) {
    this.refreshClock = nanos;
  }

  @Override
  public synchronized CompletableFuture<Cluster> refresh() {
    if (refreshing != null && !refreshing.isDone()) {
      return refreshing;
    }
    long now = refreshClock.getAsLong();
    if (refreshing != null && now - lastRefreshNanos < TimeUnit.MILLISECONDS.toNanos(MIN_REFRESH_INTERVAL_MILLIS)) {
      return CompletableFuture.completedFuture(cluster);
    }
    lastRefreshNanos = now;
    // The directory publishes a newer state to onState before its future completes.
    refreshing = offLoop(directory::refresh).thenApply(state -> cluster);
    return refreshing;
  }

  /** Submits a change to the directory's log (see {@link Directory#submit}). */
  CompletableFuture<CommandResult> submit(DirectoryCommand command) {
    return offLoop(() -> directory.submit(command));
  }

  private <T> CompletableFuture<T> offLoop(Supplier<CompletableFuture<T>> call) {
    try {
      return CompletableFuture.supplyAsync(call, calls).thenCompose(f -> f);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(new IllegalStateException("node " + config.nodeId()
          + " is shutting down", e));
    }
  }

  Directory directory() {
    return directory;
  }

  /** The directory's Raft voters, each with its Raft address. */
  List<MemberAddress> voters() {
    return settings.voters();
  }

  /** Whether this node may serve strong reads (see {@link ReadLease}). */
  ReadLease lease() {
    return lease;
  }

  @Override
  public void close() throws IOException {
    if (heartbeats != null) {
      heartbeats.close();
    }
    calls.shutdownNow();
    directory.close();
  }
}
