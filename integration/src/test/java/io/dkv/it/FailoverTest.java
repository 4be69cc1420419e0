package io.dkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.client.ClusterMember;
import io.dkv.client.DkvClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failover with real processes: a killed replica is marked down and evicted by the directory's
 * leader, strong writes go on without it, and a restarted one is marked up again, copies its
 * partitions back as a learner and is promoted.
 */
class FailoverTest {
  private static final int KEYS = 40;
  /** The default partition count: with three nodes and RF 3, each node replicates all of them. */
  private static final int PARTITIONS = 256;

  @TempDir
  Path dir;

  @Test
  void strongWritesStayAvailableAfterAReplicaIsKilledAndItComesBackUp() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(dir, 3).startAll();
         DkvClient dkv = DkvClient.builder().endpoints(cluster.endpoint(0) + "," + cluster.endpoint(1))
             .namespace("default").requestTimeout(Duration.ofSeconds(30)).build()) {
      for (int i = 0; i < KEYS; i++) {
        dkv.put("k" + i, "before");
      }
      long killedAt = System.nanoTime();
      cluster.kill9(2); // n3 replicates every partition: every write needs it until it is evicted
      // Writes sent before the survivors notice the crash could be left in doubt, their keys
      // locked until n3 is back (docs/two-phase-commit.md §10), so this waits for the directory.
      Await.until("n3 is marked down", 30, () -> member(dkv, "n3").state() == ClusterMember.State.DOWN);
      for (int i = 0; i < KEYS; i++) {
        dkv.put("k" + i, "after");
      }
      long windowMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
      System.out.printf("failover: %d writes acknowledged %d ms after kill -9 of n3%n", KEYS,
          windowMillis);
      ClusterMember n3 = member(dkv, "n3");
      assertThat(n3.state()).isEqualTo(ClusterMember.State.DOWN);
      assertThat(n3.partitions()).isZero();
      for (int i = 0; i < KEYS; i++) {
        assertThat(new String(dkv.get("k" + i).orElseThrow().value(), StandardCharsets.UTF_8))
            .isEqualTo("after");
      }

      cluster.start(2);
      Await.until("n3 is marked up after its restart", 30,
          () -> member(dkv, "n3").state() == ClusterMember.State.UP);
      dkv.put("k0", "later");
      assertThat(new String(dkv.get("k0").orElseThrow().value(), StandardCharsets.UTF_8))
          .isEqualTo("later");

      // Evicted from every partition, n3 gets them back as a learner: it copies each from a
      // replica while writes go on, then is promoted and serves reads again.
      long upAt = System.nanoTime();
      for (int i = 1; i < KEYS; i++) {
        dkv.put("k" + i, "during");
      }
      Await.until("n3 replicates every partition again", 120,
          () -> member(dkv, "n3").partitions() == PARTITIONS);
      System.out.printf("catch-up: n3 got %d partitions back %d ms after it was marked up%n",
          PARTITIONS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - upAt));
      try (DkvClient atN3 = DkvClient.builder().endpoints(cluster.endpoint(2)).namespace("default")
          .requestTimeout(Duration.ofSeconds(30)).build()) {
        assertThat(value(atN3, "k0")).isEqualTo("later");
        for (int i = 1; i < KEYS; i++) {
          assertThat(value(atN3, "k" + i)).as("k%d read at n3", i).isEqualTo("during");
        }
      }
    }
  }

  private static String value(DkvClient dkv, String key) {
    return new String(dkv.get(key).orElseThrow().value(), StandardCharsets.UTF_8);
  }

  private static ClusterMember member(DkvClient dkv, String nodeId) {
    return dkv.clusterStatus().members().stream().filter(m -> m.nodeId().equals(nodeId))
        .findFirst().orElseThrow();
  }
}
