package io.dkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.it.WriteLoad.Attempt;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a worker, then of a coordinator, while clients write; both restart. Writes in flight
 * at each kill are measured at the clients, so the test cannot pass without exercising recovery of
 * interrupted transactions. Afterwards every acknowledged write reads back with its value and
 * version, every replica holds the same value and version for every key (nothing half-applied),
 * and no key stays locked.
 */
class CrashRecoveryTest {
  private static final int WRITERS = 6;
  private static final int KEYS_PER_WRITER = 20;

  @TempDir
  Path dir;

  @Test
  void acknowledgedWritesSurviveKillNineOfWorkerAndCoordinator() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(dir, 3).startAll();
         // Clients enter through n1 and n2 only, so n3 is a pure worker and n1 coordinates half the load.
         WriteLoad load = WriteLoad.start(cluster, WRITERS, KEYS_PER_WRITER, 0, 1)) {
      load.awaitAcks(50);
      // A worker dies. Writes to its partitions cannot commit while it is down (2PC needs every
      // replica) until the directory evicts it: wait until the clients have run into that, then
      // bring it back (evicted or not, it must resolve what it left in doubt).
      ProcessCluster.Kill workerKill = cluster.kill9(2);
      int failedBefore = load.failed();
      Await.until("writers see the worker's outage", 60, () -> load.failed() >= failedBefore + WRITERS);
      cluster.start(2);
      load.awaitAcks(load.acked() + 50);

      // A coordinator dies: half the clients enter through it.
      ProcessCluster.Kill coordinatorKill = cluster.kill9(0);
      int failedAfter = load.failed();
      Await.until("writers see the coordinator's outage", 60, () -> load.failed() >= failedAfter + WRITERS);
      cluster.start(0);
      load.awaitAcks(load.acked() + 50);
      Map<String, List<Attempt>> history = load.stopAndCollect();

      // With 3 nodes and replication 3 every key has a replica on the worker, so every put the
      // clients were waiting for during its kill was a transaction the worker took part in.
      assertThat(load.inFlightDuring(workerKill, a -> true))
          .as("writes in flight while the worker was killed").isPositive();
      assertThat(load.inFlightDuring(coordinatorKill, a -> a.entryNode() == coordinatorKill.node()))
          .as("writes in flight on the coordinator while it was killed").isPositive();
      FinalState.awaitNoLocks(cluster);
      FinalState.verify(cluster, history);
      assertThat(load.acked()).isGreaterThan(150);
    }
  }
}
