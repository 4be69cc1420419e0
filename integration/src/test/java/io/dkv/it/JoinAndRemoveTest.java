package io.dkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.client.ClusterMember;
import io.dkv.client.DkvClient;
import io.dkv.client.Routing;
import io.dkv.it.WriteLoad.Attempt;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node enters a running cluster with {@code dkv server --join} and leaves it with {@code dkv
 * cluster remove --wait}, all real processes, while clients write: the directory moves exactly the
 * newcomer's share of the partitions to it, and every partition of the leaver off it, and no
 * acknowledged write is lost. A node that dies during its drain is removed all the same.
 */
class JoinAndRemoveTest {
  private static final int N4 = 3;
  /** The default Q, and the replica slots of RF 3: a fourth node's share is a quarter of them. */
  private static final int PARTITIONS = 256;
  private static final int SLOTS = PARTITIONS * 3;

  /** Kept when the test fails: the nodes' logs are in it. */
  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  Path dir;

  private static DkvClient through(String endpoint) {
    return DkvClient.builder().endpoints(endpoint).routing(Routing.RECURSIVE).namespace("default")
        .requestTimeout(Duration.ofSeconds(10)).build();
  }

  private static Optional<ClusterMember> member(DkvClient dkv, String nodeId) {
    return dkv.clusterStatus().members().stream().filter(m -> m.nodeId().equals(nodeId)).findFirst();
  }

  private static boolean is(DkvClient dkv, String nodeId, ClusterMember.State state, int partitions) {
    return member(dkv, nodeId).filter(m -> m.state() == state && m.partitions() == partitions)
        .isPresent();
  }

  @Test
  void partitionsMoveToAJoinedNodeAndOffARemovedOneWhileWritesGoOn() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(dir, 3, 1).startAll();
         WriteLoad load = WriteLoad.start(cluster, 4, 20, 0, 1, 2);
         DkvClient viaN2 = through(cluster.endpoint(1))) {
      load.awaitAcks(50);
      long joinedAt = System.nanoTime();
      cluster.start(N4); // --join through n1
      Await.until("n4 is up with its share of the partitions", 120,
          () -> is(viaN2, "n4", ClusterMember.State.UP, SLOTS / 4),
          () -> String.valueOf(member(viaN2, "n4")));
      System.out.printf("join: n4 up with %d partitions %d ms after it started%n", SLOTS / 4,
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - joinedAt));
      ClusterMember n4 = member(viaN2, "n4").orElseThrow();
      assertThat(n4.address()).isEqualTo(cluster.endpoint(N4));
      assertThat(n4.voter()).isFalse();
      // Exactly the ideal quarter moved: every founder gave up a quarter of its replicas, no more.
      for (String founder : List.of("n1", "n2", "n3")) {
        assertThat(member(viaN2, founder).orElseThrow().partitions()).as(founder)
            .isEqualTo(SLOTS / 4);
      }
      // Once the founders are released from the partitions they gave up, nothing moves any more.
      Cli.Result settled = Cli.run("cluster", "status", "--watch", "--cluster", cluster.endpoint(1));
      assertThat(settled.exitCode()).as(settled.stderr()).isZero();
      assertThat(settled.stdout()).contains("partition map at its target (directory epoch ");
      load.awaitAcks(load.acked() + 50);

      try (DkvClient viaN4 = through(cluster.endpoint(N4))) {
        viaN4.put("joined", "through n4");
        assertThat(value(viaN4, "joined")).isEqualTo("through n4");
        assertThat(value(viaN2, "joined")).isEqualTo("through n4");
      }
      cluster.kill9(N4);
      cluster.start(N4); // the same command line: already a member at this address
      Await.until("n4 is up again after its restart", 60,
          () -> is(viaN2, "n4", ClusterMember.State.UP, SLOTS / 4));

      Cli.Result voter = Cli.run("cluster", "remove", "n1", "--cluster", cluster.endpoint(1));
      assertThat(voter.exitCode()).as(voter.stderr()).isEqualTo(1);
      assertThat(voter.stderr()).contains("cannot remove node 'n1': it is a directory voter");

      load.awaitAcks(load.acked() + 50);
      Map<String, List<Attempt>> history = load.stopAndCollect();
      FinalState.awaitNoLocks(cluster);
      FinalState.verify(cluster, history);

      // n4 is removed, and dies during its drain, for good: it is marked down and evicted, the
      // others fill the places it left, and it is removed. (A leaving node that was marked down
      // used to stop draining: it stayed a down member for ever, and the wait ended with exit 1.)
      // Without writes now: a write in doubt when a participant dies for good stays locked for
      // ever (docs/two-phase-commit.md §10), and a copy waits for it. A removal under writes is
      // TortureSuiteTest's, with the linearizability check.
      long removedAt = System.nanoTime();
      CompletableFuture<Cli.Result> removal = CompletableFuture.supplyAsync(() -> removeAndWait(cluster));
      Await.until("n4 is leaving", 30, () -> member(viaN2, "n4")
          .filter(m -> m.state() == ClusterMember.State.LEAVING).isPresent());
      cluster.kill9(N4);
      Cli.Result removed = removal.get(130, TimeUnit.SECONDS);
      assertThat(removed.exitCode()).as(removed.stderr()).isZero();
      assertThat(removed.stdout()).startsWith("node n4 is removed (directory epoch ");
      assertThat(removed.stderr()).as("the drain's progress").contains("n4 leaving [");
      System.out.printf("remove: n4, killed while leaving, removed %d ms after dkv cluster remove --wait%n",
          TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - removedAt));
      // The removal does not wait for the moves that fill the places its eviction left.
      Await.until("every founder holds every partition again", 60, () -> List.of("n1", "n2", "n3")
          .stream().allMatch(founder -> is(viaN2, founder, ClusterMember.State.UP, PARTITIONS)),
          () -> String.valueOf(viaN2.clusterStatus().members()));
      Cli.Result again = Cli.run("cluster", "remove", "n4", "--cluster", cluster.endpoint(0));
      assertThat(again.exitCode()).as(again.stderr()).isEqualTo(1);
      assertThat(again.stderr()).contains("cannot remove node 'n4'");
      FinalState.awaitNoLocks(cluster);
      FinalState.verify(cluster, history);
      assertThat(value(viaN2, "joined")).isEqualTo("through n4");
    }
  }

  private static Cli.Result removeAndWait(ProcessCluster cluster) {
    try {
      return Cli.runFor(130, "cluster", "remove", "n4", "--wait", "--wait-timeout", "120",
          "--cluster", cluster.endpoint(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String value(DkvClient dkv, String key) {
    return new String(dkv.get(key).orElseThrow().value(), StandardCharsets.UTF_8);
  }
}
