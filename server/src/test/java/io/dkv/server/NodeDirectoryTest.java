package io.dkv.server;

import static java.util.concurrent.TimeUnit.MILLISECONDS;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.server.directory.FailureDetection;
import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.NamespaceMode;
import io.dkv.core.directory.NodeState;
import io.dkv.core.directory.StateCodec;
import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.InMemoryStorage;
import io.dkv.core.storage.WriteBatch;
import io.dkv.server.directory.Directory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeDirectoryTest {
  @TempDir
  Path dir;

  /** A directory that applies commands at once; refreshes wait until the test completes them. */
  static class FakeDirectory implements Directory {
    private volatile DirectoryState state = DirectoryState.initial(8, 1);
    private final List<Consumer<DirectoryState>> listeners = new CopyOnWriteArrayList<>();
    final List<CompletableFuture<DirectoryState>> refreshes = new CopyOnWriteArrayList<>();
    final CountDownLatch firstRefresh = new CountDownLatch(1);
    final AtomicInteger closed = new AtomicInteger();
    final AtomicInteger heartbeats = new AtomicInteger();
    volatile CommandResult heartbeatAnswer;

    @Override
    public synchronized CompletableFuture<CommandResult> submit(DirectoryCommand command) {
      DirectoryState.Transition t = state.apply(command);
      publish(t.state());
      return CompletableFuture.completedFuture(t.result());
    }

    synchronized void publish(DirectoryState next) {
      if (next.epoch() > state.epoch()) {
        state = next;
        listeners.forEach(l -> l.accept(next));
      }
    }

    @Override
    public DirectoryState current() {
      return state;
    }

    @Override
    public CompletableFuture<DirectoryState> refresh() {
      CompletableFuture<DirectoryState> f = new CompletableFuture<>();
      refreshes.add(f);
      firstRefresh.countDown();
      return f;
    }

    @Override
    public void addListener(Consumer<DirectoryState> listener) {
      listeners.add(listener);
    }

    @Override
    public Optional<String> leader() {
      return Optional.of("n1");
    }

    /** Answers every heartbeat with {@link #heartbeatAnswer}, or accepted at the current epoch. */
    @Override
    public CompletableFuture<CommandResult> heartbeat(long viewEpoch) {
      heartbeats.incrementAndGet();
      CommandResult answer = heartbeatAnswer;
      return CompletableFuture.completedFuture(answer != null ? answer
          : new CommandResult.Accepted(state.epoch()));
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  private NodeConfig config(String members, int partitions, int replication) {
    var list = MemberAddress.parseList(members);
    return new NodeConfig("n1", MemberAddress.parseHostPort("listen", "127.0.0.1:0"), dir, list,
        list.subList(0, 1), partitions, replication, 256, 1024, 5_000,
        FailureDetection.DEFAULTS);
  }

  @Test
  void acceptedHeartbeatsGrantTheReadLeaseOnlyWithAViewAsNewAsTheDirectorys()
      throws Exception {
    FakeDirectory fake = new FakeDirectory();
    NodeConfig fast = config("n1@127.0.0.1:1", 8, 1);
    fast = new NodeConfig(fast.nodeId(), fast.listen(), fast.dataDir(), fast.members(),
        fast.voters(), fast.partitionCount(), fast.replicationFactor(), fast.maxKeyBytes(),
        fast.maxValueBytes(), fast.requestTimeoutMillis(), new FailureDetection(20, 200, 400, 2));
    try (NodeDirectory node = NodeDirectory.start(fast, new InMemoryStorage(), fake)) {
      awaitTrue("the lease is granted", () -> node.lease().isValid(System.nanoTime()));

      fake.heartbeatAnswer = new CommandResult.Rejected(1, "node 'n1' is down");
      awaitTrue("the lease runs out", () -> !node.lease().isValid(System.nanoTime()));
      assertThat(fake.firstRefresh.getCount()).isEqualTo(1); // same epoch: no refresh

      // Accepted, but the directory is at a newer epoch than this node's view: the view is
      // refreshed and the lease is not renewed until the view has caught up.
      fake.heartbeatAnswer = new CommandResult.Accepted(9);
      assertThat(fake.firstRefresh.await(10, SECONDS)).isTrue();
      int answered = fake.heartbeats.get();
      awaitTrue("more heartbeats are answered", () -> fake.heartbeats.get() >= answered + 3);
      assertThat(node.lease().isValid(System.nanoTime())).isFalse();

      fake.heartbeatAnswer = null; // accepted at the node's own epoch
      awaitTrue("the lease is granted again", () -> node.lease().isValid(System.nanoTime()));
    }
  }

  private static void awaitTrue(String what, java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 10 s: " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(MILLISECONDS.toNanos(5)); // poll period
    }
  }

  @Test
  void aNewClusterIsInitializedFromTheMemberListAndEveryViewIsCachedAndPassedOnInOrder() throws Exception {
    FakeDirectory fake = new FakeDirectory();
    InMemoryStorage storage = new InMemoryStorage();
    try (NodeDirectory node = NodeDirectory.start(config("n1@127.0.0.1:1,n2@127.0.0.1:2", 8, 1), storage, fake)) {
      assertThat(node.current().state().epoch()).isEqualTo(1);
      assertThat(node.current().state().replicaHolders()).containsExactly("n1", "n2");
      List<Long> seen = new ArrayList<>();
      node.onChange(view -> seen.add(view.state().epoch()));

      fake.submit(new DirectoryCommand.CreateNamespace("users", NamespaceMode.STRONG, 1, 1, 1));
      assertThat(seen).containsExactly(1L, 2L);
      assertThat(StateCodec.decode(storage.get(ColumnFamily.META, NodeDirectory.STATE_KEY)).epoch())
          .isEqualTo(2);
    }
    assertThat(fake.closed).hasValue(1);
  }

  @Test
  void aMemberListTheDirectoryWouldRefuseStopsTheNodeAtOnceWithTheReason() {
    FakeDirectory fake = new FakeDirectory();
    assertThatThrownBy(() -> NodeDirectory.start(config("n1@host%eth0:7401", 8, 1), new InMemoryStorage(), fake))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("cannot start a cluster")
        .hasMessageContaining("address 'host%eth0:7401' is not HOST:PORT");
    assertThat(fake.current().members()).isEmpty();
    assertThat(fake.closed).hasValue(1);
  }

  @Test
  void aNodeConfiguredWithOtherPartitionsOrReplicationThanTheClusterRefusesToStart() {
    FakeDirectory fake = new FakeDirectory();
    fake.submit(new DirectoryCommand.Initialize(List.of(new DirectoryCommand.Join("n1", "127.0.0.1:1")), 16, 1));
    assertThatThrownBy(() -> NodeDirectory.start(config("n1@127.0.0.1:1", 8, 1), new InMemoryStorage(), fake))
        .isInstanceOf(ConfigException.class)
        .hasMessage("node n1 is configured with --partitions 8 --replication 1, but the cluster was"
            + " created with 16 and 1; start it with the cluster's values");
  }

  @Test
  void aRestartedNodeServesFromItsCachedViewWithoutWaitingForTheDirectory() throws Exception {
    DirectoryState cached = DirectoryState.initial(8, 1).apply(new DirectoryCommand.Initialize(
        List.of(new DirectoryCommand.Join("n1", "127.0.0.1:1")), 8, 1)).state();
    InMemoryStorage storage = new InMemoryStorage();
    storage.write(new WriteBatch().put(ColumnFamily.META, NodeDirectory.STATE_KEY, StateCodec.encode(cached)));
    FakeDirectory unreachable = new FakeDirectory() {
      @Override
      public synchronized CompletableFuture<CommandResult> submit(DirectoryCommand command) {
        return new CompletableFuture<>(); // no voter majority: nothing is ever confirmed
      }
    };
    try (NodeDirectory node = NodeDirectory.start(config("n1@127.0.0.1:1", 8, 1), storage, unreachable)) {
      assertThat(node.current().state()).isEqualTo(cached);
    }
  }

  @Test
  void aNodeThatJoinedAgainAfterItsRemovalWaitsForTheDirectoryInsteadOfServingItsOldCopy()
      throws Exception {
    DirectoryState removed = DirectoryState.initial(8, 1);
    for (DirectoryCommand c : List.of(
        new DirectoryCommand.Initialize(List.of(new DirectoryCommand.Join("n1", "127.0.0.1:1")), 8, 1),
        new DirectoryCommand.Join("n2", "127.0.0.1:2"), new DirectoryCommand.Leave("n2"),
        new DirectoryCommand.Remove("n2"))) {
      removed = removed.apply(c).state();
    }
    // n2 cached its removal before it stopped; its JOIN at the restart is applied, but this
    // node's part of the directory (a non-voter) has not fetched a state yet.
    DirectoryState rejoined = removed.apply(new DirectoryCommand.Join("n2", "127.0.0.1:2")).state();
    InMemoryStorage storage = new InMemoryStorage();
    storage.write(new WriteBatch().put(ColumnFamily.META, NodeDirectory.STATE_KEY, StateCodec.encode(removed)));
    NodeConfig n2 = NodeConfig.joining("n2", MemberAddress.parseHostPort("listen", "127.0.0.1:2"), dir,
        MemberAddress.parseHostPort("join", "127.0.0.1:1"));
    var settings = NodeDirectory.settings(n2, List.of(new MemberAddress("n1", "127.0.0.1", 3)), 8, 1);
    FakeDirectory fake = new FakeDirectory();
    CompletableFuture<NodeDirectory> starting = new CompletableFuture<>();
    Thread starter = Thread.ofPlatform().start(() -> {
      try {
        starting.complete(NodeDirectory.start(n2, settings, storage, fake));
      } catch (Exception | Error e) {
        starting.completeExceptionally(e);
      }
    });
    // The directory's first state comes only once the start waits for it (serving the old copy,
    // it would have failed by then: n2 is removed in it).
    awaitTrue("the start waits for the directory",
        () -> starting.isDone() || starter.getState() == Thread.State.TIMED_WAITING);
    fake.publish(rejoined);
    try (NodeDirectory node = starting.get(10, SECONDS)) {
      assertThat(node.current().state()).isEqualTo(rejoined);
      assertThat(node.current().state().member("n2").orElseThrow().state()).isEqualTo(NodeState.JOINING);
      assertThat(node.voters()).containsExactly(new MemberAddress("n1", "127.0.0.1", 3));
    }
  }

  @Test
  void aDirectoryBehindTheCachedCopyIsIgnoredUntilItPassesIt() throws Exception {
    List<DirectoryCommand.Join> one = List.of(new DirectoryCommand.Join("n1", "127.0.0.1:1"));
    DirectoryState cached = DirectoryState.initial(8, 1)
        .apply(new DirectoryCommand.Initialize(one, 8, 1)).state()
        .apply(new DirectoryCommand.CreateNamespace("users", NamespaceMode.STRONG, 1, 1, 1)).state();
    InMemoryStorage storage = new InMemoryStorage();
    storage.write(new WriteBatch().put(ColumnFamily.META, NodeDirectory.STATE_KEY, StateCodec.encode(cached)));
    FakeDirectory reinitialized = new FakeDirectory(); // its Raft storage was lost: epoch 1 again
    reinitialized.submit(new DirectoryCommand.Initialize(one, 8, 1));
    try (NodeDirectory node = NodeDirectory.start(config("n1@127.0.0.1:1", 8, 1), storage, reinitialized)) {
      assertThat(node.current().state()).isEqualTo(cached);
      reinitialized.submit(new DirectoryCommand.CreateNamespace("a", NamespaceMode.STRONG, 1, 1, 1));
      assertThat(node.current().state()).as("epoch 2 is not past the copy's").isEqualTo(cached);
      reinitialized.submit(new DirectoryCommand.CreateNamespace("b", NamespaceMode.STRONG, 1, 1, 1));
      assertThat(node.current().state().epoch()).isEqualTo(3);
      assertThat(node.current().namespace("b")).isPresent();
    }
  }

  @Test
  void concurrentRefreshesShareOneRequestAndAreSentAtMostOncePerInterval() throws Exception {
    FakeDirectory fake = new FakeDirectory();
    try (NodeDirectory node = NodeDirectory.start(config("n1@127.0.0.1:1", 8, 1), new InMemoryStorage(), fake)) {
      // The rate limit's clock stands still: on a loaded machine the steps below can take longer
      // than the interval, and then a second request is right (it failed CI that way).
      node.refreshClock(() -> 0);
      CompletableFuture<Cluster> first = node.refresh();
      CompletableFuture<Cluster> second = node.refresh();
      assertThat(second).isSameAs(first);
      // Refreshes run on the node's own thread, never the caller's (a network event loop).
      assertThat(fake.firstRefresh.await(5, SECONDS)).isTrue();
      assertThat(fake.refreshes).hasSize(1);

      DirectoryState newer = fake.current().apply(
          new DirectoryCommand.CreateNamespace("users", NamespaceMode.STRONG, 1, 1, 1)).state();
      fake.publish(newer);
      fake.refreshes.get(0).complete(newer);
      assertThat(first.get(5, SECONDS).state().epoch()).isEqualTo(2);

      // Right after: answered from the view, no second request to the leader.
      assertThat(node.refresh().get(5, SECONDS).state().epoch()).isEqualTo(2);
      assertThat(fake.refreshes).hasSize(1);
    }
  }
}
