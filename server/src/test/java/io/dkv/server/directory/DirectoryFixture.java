package io.dkv.server.directory;

import ch.qos.logback.classic.Level;
import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
import io.dkv.rpc.LoopbackPorts;
import io.dkv.server.MemberAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.protocol.RaftGroup;
import org.apache.ratis.protocol.RaftPeer;
import org.slf4j.LoggerFactory;

/**
 * Real Ratis voters (and non-voters) on loopback, each with its own storage under a temp dir and
 * a port from the OS. {@link #close} closes every node still running; tests call it in
 * {@code @AfterEach}. Waits are futures with deadlines, never sleeps.
 */
final class DirectoryFixture implements AutoCloseable {
  static final long DEADLINE_SECONDS = 30;
  static final int PARTITIONS = 16;
  static final int REPLICATION = 3;
  /**
   * Failure detection that never acts within a test: the fixture's members send no heartbeats
   * unless a test does, and would otherwise be marked down while a test runs.
   */
  static final FailureDetection NO_FAILOVER = new FailureDetection(500, 3_000, 3_600_000, 2);

  private final Path root;
  private final FailureDetection failureDetection;
  private final List<MemberAddress> voters = new ArrayList<>();
  private final long snapshotEveryEntries;
  private final Map<String, RatisDirectory> running = new LinkedHashMap<>();

  static {
    // Ratis logs every election and segment roll; the tests' own assertions say what matters.
    ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger("org.apache.ratis"))
        .setLevel(Level.WARN);
  }

  DirectoryFixture(Path root, int voterCount, long snapshotEveryEntries) {
    this(root, voterCount, snapshotEveryEntries, NO_FAILOVER);
  }

  /** With {@code failureDetection}: how soon the leader marks down a member that sends none. */
  DirectoryFixture(Path root, int voterCount, long snapshotEveryEntries,
                   FailureDetection failureDetection) {
    this.root = root;
    this.failureDetection = failureDetection;
    this.snapshotEveryEntries = snapshotEveryEntries;
    for (int i = 1; i <= voterCount; i++) {
      voters.add(new MemberAddress("v" + i, "127.0.0.1", freePort()));
    }
  }

  /** Starts every voter. */
  DirectoryFixture startVoters() {
    for (MemberAddress v : voters) {
      start(v.nodeId());
    }
    return this;
  }

  /** Starts (or restarts, on the same storage) node {@code nodeId}; a voter if it is one. */
  RatisDirectory start(String nodeId) {
    DirectoryConfig config = new DirectoryConfig(nodeId, voters, root.resolve(nodeId),
        PARTITIONS, REPLICATION, snapshotEveryEntries, 20, DEADLINE_SECONDS * 1000,
        failureDetection, 0); // no moves: the tests decide every change to the directory
    try {
      RatisDirectory d = RatisDirectory.start(config);
      running.put(nodeId, d);
      return d;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  RatisDirectory node(String nodeId) {
    return running.get(nodeId);
  }

  List<RatisDirectory> runningNodes() {
    return List.copyOf(running.values());
  }

  /** A plain Ratis client of the voters' group, to send what our own client never would. */
  RaftClient rawClient() {
    RaftGroup group = RaftGroup.valueOf(RatisDirectory.GROUP_ID, voters.stream()
        .map(v -> RaftPeer.newBuilder().setId(v.nodeId()).setAddress(v.host() + ":" + v.port()).build())
        .toList());
    return RaftClient.newBuilder().setProperties(new RaftProperties()).setRaftGroup(group).build();
  }

  Path storageOf(String nodeId) {
    return root.resolve(nodeId);
  }

  void stop(String nodeId) throws IOException {
    running.remove(nodeId).close();
  }

  /** The id of a voter that is leader now; call it after a submit has been acknowledged. */
  String leader() throws IOException {
    for (Map.Entry<String, RatisDirectory> e : running.entrySet()) {
      if (e.getValue().isLeader()) {
        return e.getKey();
      }
    }
    throw new AssertionError("no running voter is leader");
  }

  /** The first command of a new cluster, with one member "seed": epoch 1. */
  static final DirectoryCommand.Initialize INITIALIZE = new DirectoryCommand.Initialize(
      List.of(new DirectoryCommand.Join("seed", "10.0.0.254:7401")), PARTITIONS, REPLICATION);

  /** Initializes the directory through {@code d} (see {@link #INITIALIZE}); epoch 1 after it. */
  static void initialize(Directory d) throws Exception {
    CommandResult result = submit(d, INITIALIZE);
    if (!(result instanceof CommandResult.Accepted)) {
      throw new AssertionError("the directory did not take its first command: " + result);
    }
  }

  static CommandResult submit(Directory d, DirectoryCommand command) throws Exception {
    return d.submit(command).get(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  /** The first state of {@code d} at or past {@code epoch}, waiting for it with a deadline. */
  static DirectoryState awaitEpoch(Directory d, long epoch) throws Exception {
    CompletableFuture<DirectoryState> reached = new CompletableFuture<>();
    d.addListener(s -> {
      if (s.epoch() >= epoch) {
        reached.complete(s);
      }
    });
    DirectoryState now = d.current();
    if (now.epoch() >= epoch) {
      reached.complete(now);
    }
    return reached.get(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    List<RatisDirectory> newestFirst = new ArrayList<>(running.values());
    Collections.reverse(newestFirst); // non-voters first: their fetches need a voter
    for (RatisDirectory d : newestFirst) {
      try {
        d.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    running.clear();
    if (first != null) {
      throw first;
    }
  }

  private static int freePort() {
    return LoopbackPorts.next();
  }
}
