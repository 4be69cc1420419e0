package io.dkv.server.directory;

import static io.dkv.server.directory.DirectoryFixture.submit;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand.CreateNamespace;
import io.dkv.core.directory.DirectoryCommand.Initialize;
import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.NamespaceMode;
import io.dkv.core.directory.NodeState;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failure detection on real Ratis voters: heartbeats through the log, the leader marking a silent
 * member down and evicting it, and marking it up when it is heard again.
 */
class RatisFailoverTest {
  /** Short times so that a test takes seconds; ordered as the real ones are. */
  private static final FailureDetection FAST = new FailureDetection(100, 400, 800, 2);
  private static final List<String> VOTERS = List.of("v1", "v2", "v3");

  @TempDir
  Path dir;
  private DirectoryFixture cluster;
  private final ScheduledExecutorService beats = Executors.newSingleThreadScheduledExecutor();
  /** The voters that send heartbeats, every {@link FailureDetection#heartbeatMillis()}. */
  private final Set<String> beating = ConcurrentHashMap.newKeySet();

  @AfterEach
  void closeEverything() throws Exception {
    beats.shutdownNow();
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * The silent voter is a follower: the leader never marks its own node down (a leader cut off from
   * the others once marked itself down and evicted itself, see {@link FailureDetector}).
   */
  @Test
  void aSilentMemberIsMarkedDownThenEvictedAndMarkedUpWhenItIsHeardAgain() throws Exception {
    cluster = new DirectoryFixture(dir, 3, 1000, FAST).startVoters();
    assertThat(submit(cluster.node("v1"), new Initialize(List.of(new Join("v1", "h:1"),
        new Join("v2", "h:2"), new Join("v3", "h:3")), DirectoryFixture.PARTITIONS, 3)))
        .isInstanceOf(CommandResult.Accepted.class);
    String leader = cluster.leader();
    String silent = follower(leader);
    List<String> others = VOTERS.stream().filter(v -> !v.equals(silent)).toList();
    beating.addAll(others);
    beats.scheduleWithFixedDelay(this::beat, 0, FAST.heartbeatMillis(), TimeUnit.MILLISECONDS);

    DirectoryState evicted = await(cluster.node(leader),
        s -> s.map().partitionsOf(silent).isEmpty() && s.map().epoch() > 1);
    assertThat(evicted.member(silent).orElseThrow().state()).isEqualTo(NodeState.DOWN);
    assertThat(evicted.member(leader).orElseThrow().state()).isEqualTo(NodeState.UP);
    for (int p = 0; p < DirectoryFixture.PARTITIONS; p++) {
      assertThat(evicted.map().replicas(p)).containsExactlyInAnyOrderElementsOf(others);
      assertThat(evicted.map().partitionEpoch(p)).isEqualTo(evicted.map().epoch());
    }
    // A heartbeat of a down node grants no lease.
    CommandResult refused = cluster.node(silent).heartbeat(evicted.epoch())
        .get(DirectoryFixture.DEADLINE_SECONDS, TimeUnit.SECONDS);
    assertThat(refused).isInstanceOf(CommandResult.Rejected.class);
    assertThat(((CommandResult.Rejected) refused).reason()).contains("'" + silent + "' is down");

    beating.add(silent);
    DirectoryState back = await(cluster.node(leader),
        s -> s.member(silent).orElseThrow().state() == NodeState.UP);
    assertThat(back.map().partitionsOf(silent)).isEmpty(); // it gets partitions back only by catch-up
    // An accepted heartbeat carries the node's last eviction: its lease needs a view that has it.
    assertThat(cluster.node(silent).heartbeat(back.epoch())
        .get(DirectoryFixture.DEADLINE_SECONDS, TimeUnit.SECONDS))
        .isEqualTo(new CommandResult.Accepted(evicted.map().epoch()));
    // Any other change leaves a lease alone: a view from before it is still good enough.
    submit(cluster.node(leader), new CreateNamespace("other", NamespaceMode.STRONG, 2, 2, 1));
    assertThat(cluster.node(leader).heartbeat(back.epoch())
        .get(DirectoryFixture.DEADLINE_SECONDS, TimeUnit.SECONDS))
        .isEqualTo(new CommandResult.Accepted(0));
  }

  @Test
  void evictionNeverLeavesAPartitionBelowTheMinimumNumberOfReplicas() throws Exception {
    cluster = new DirectoryFixture(dir, 3, 1000, FAST).startVoters();
    submit(cluster.node("v1"), new Initialize(List.of(new Join("v1", "h:1"), new Join("v2", "h:2"),
        new Join("v3", "h:3"), new Join("n4", "h:4")), DirectoryFixture.PARTITIONS, 3));
    String leader = cluster.leader();
    beating.addAll(VOTERS); // n4 (not a voter) is silent, then also a follower
    beats.scheduleWithFixedDelay(this::beat, 0, FAST.heartbeatMillis(), TimeUnit.MILLISECONDS);
    await(cluster.node(leader), s -> s.map().partitionsOf("n4").isEmpty() && s.map().epoch() > 1);

    String silent = follower(leader);
    beating.remove(silent);
    DirectoryState after = await(cluster.node(leader),
        s -> s.member(silent).orElseThrow().state() == NodeState.DOWN
            && evictedWherePossible(s, silent));
    assertThat(after.map().partitionsOf(silent)).isNotEmpty(); // kept where the floor required
    for (int p = 0; p < DirectoryFixture.PARTITIONS; p++) {
      assertThat(after.map().replicas(p)).hasSizeGreaterThanOrEqualTo(FAST.minReplicas());
    }
  }

  /** A voter other than {@code leader}. */
  private static String follower(String leader) {
    return VOTERS.stream().filter(v -> !v.equals(leader)).findFirst().orElseThrow();
  }

  /** {@code node} is in no partition that had more than the minimum number of replicas left without it. */
  private static boolean evictedWherePossible(DirectoryState s, String node) {
    return s.map().partitionsOf(node).stream()
        .allMatch(p -> s.map().replicas(p).size() <= FAST.minReplicas());
  }

  private void beat() {
    for (String voter : beating) {
      RatisDirectory d = cluster.node(voter);
      d.heartbeat(d.current().epoch());
    }
  }

  /** The first state of {@code d} that passes {@code condition}, within the fixture's deadline. */
  private static DirectoryState await(RatisDirectory d, Predicate<DirectoryState> condition)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DirectoryFixture.DEADLINE_SECONDS);
    CompletableFuture<DirectoryState> reached = new CompletableFuture<>();
    d.addListener(s -> {
      if (condition.test(s)) {
        reached.complete(s);
      }
    });
    if (condition.test(d.current())) {
      reached.complete(d.current());
    }
    return reached.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
  }
}
