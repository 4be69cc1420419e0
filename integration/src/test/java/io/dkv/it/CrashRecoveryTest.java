package io.dkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.client.ConditionFailedException;
import io.dkv.client.DkvClient;
import io.dkv.client.DkvException;
import io.dkv.client.Versioned;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.GetRequest;
import io.dkv.protocol.ClientMessage.GetResponse;
import io.dkv.protocol.ClientMessage.StatusResponse;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a worker, then of a coordinator, while clients write; both restart. Afterwards every
 * acknowledged write reads back with its value and version, every replica holds the same value
 * and version for every key (nothing half-applied), and no key stays locked.
 */
class CrashRecoveryTest {
  private static final int WRITERS = 6;
  private static final int KEYS_PER_WRITER = 20;

  @TempDir
  Path dir;

  /** What one writer did to one key, in order: acknowledged or of unknown outcome. */
  record Attempt(String value, Long ackedVersion) {}

  @Test
  void acknowledgedWritesSurviveKillNineOfWorkerAndCoordinator() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(dir, 3).startAll()) {
      Map<String, List<Attempt>> history = new ConcurrentHashMap<>();
      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger acked = new AtomicInteger();
      AtomicInteger failed = new AtomicInteger();
      ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
      List<Future<?>> writers = new ArrayList<>();
      // Clients enter through n1 and n2 only, so n3 is a pure worker and n1 coordinates half the load.
      for (int w = 0; w < WRITERS; w++) {
        String endpoint = cluster.endpoint(w % 2);
        int writer = w;
        writers.add(pool.submit(() -> write(writer, endpoint, history, stop, acked, failed)));
      }
      awaitAcks(acked, 50);
      // A worker dies. Writes to its partitions cannot commit while it is down (2PC needs every
      // replica): wait until the clients have run into that, then bring it back.
      cluster.kill9(2);
      int failedBefore = failed.get();
      Await.until("writers see the worker's outage", 60, () -> failed.get() >= failedBefore + WRITERS);
      cluster.start(2);
      awaitAcks(acked, acked.get() + 50);

      // A coordinator dies: half the clients enter through it.
      cluster.kill9(0);
      int failedAfter = failed.get();
      Await.until("writers see the coordinator's outage", 60, () -> failed.get() >= failedAfter + WRITERS);
      cluster.start(0);
      awaitAcks(acked, acked.get() + 50);
      stop.set(true);
      for (Future<?> f : writers) {
        f.get(60, TimeUnit.SECONDS);
      }
      pool.shutdown();

      awaitNoLocks(cluster);
      verify(cluster, history);
      assertThat(acked.get()).isGreaterThan(150);
    }
  }

  private static void write(int writer, String endpoint, Map<String, List<Attempt>> history,
                            AtomicBoolean stop, AtomicInteger acked, AtomicInteger failed) {
    try (DkvClient dkv = DkvClient.builder().endpoints(endpoint).requestTimeout(Duration.ofSeconds(3)).build()) {
      for (int seq = 0; !stop.get(); seq++) {
        String key = "w" + writer + "-k" + (seq % KEYS_PER_WRITER);
        String value = "w" + writer + "-s" + seq;
        List<Attempt> attempts = history.computeIfAbsent(key, k -> new ArrayList<>());
        try {
          long version = dkv.put(key, value);
          attempts.add(new Attempt(value, version));
          acked.incrementAndGet();
        } catch (ConditionFailedException e) {
          throw new AssertionError("a plain put cannot fail a condition", e);
        } catch (DkvException e) {
          attempts.add(new Attempt(value, null)); // timeout or unavailable: may or may not be applied
          failed.incrementAndGet();
        }
      }
    }
  }

  /** Each key's final value is its last acknowledged write or a later write of unknown outcome. */
  private static void verify(ProcessCluster cluster, Map<String, List<Attempt>> history) throws Exception {
    try (RpcClient rpc = RpcClient.builder().build()) {
      for (Map.Entry<String, List<Attempt>> e : history.entrySet()) {
        List<GetResponse> replicas = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
          byte[] body = MessageCodec.encode(new GetRequest("default", Bytes.utf8(e.getKey()), true, 0));
          replicas.add((GetResponse) MessageCodec.decodeResponse(Procedure.GET,
              rpc.call(cluster.address(i), Procedure.GET.id(), body, Duration.ofSeconds(10)).get()));
        }
        assertThat(replicas).as("replicas of %s agree (no half-applied write)", e.getKey())
            .allSatisfy(r -> {
              assertThat(r.found()).isEqualTo(replicas.get(0).found());
              assertThat(r.version()).isEqualTo(replicas.get(0).version());
              assertThat(r.value()).isEqualTo(replicas.get(0).value());
            });
        GetResponse finalState = replicas.get(0);
        List<Attempt> attempts = e.getValue();
        int lastAck = -1;
        for (int i = 0; i < attempts.size(); i++) {
          if (attempts.get(i).ackedVersion() != null) {
            lastAck = i;
          }
        }
        List<String> allowed = new ArrayList<>();
        for (int i = Math.max(lastAck, 0); i < attempts.size(); i++) {
          if (i == lastAck || attempts.get(i).ackedVersion() == null) {
            allowed.add(attempts.get(i).value());
          }
        }
        if (lastAck < 0 && !finalState.found()) {
          continue; // nothing acknowledged, nothing applied: allowed
        }
        assertThat(finalState.found()).as("key %s was acknowledged, so it exists", e.getKey()).isTrue();
        assertThat(finalState.value().toUtf8()).as("final value of %s", e.getKey()).isIn(allowed);
        if (lastAck >= 0) {
          long ackedVersion = attempts.get(lastAck).ackedVersion();
          if (finalState.value().toUtf8().equals(attempts.get(lastAck).value())) {
            assertThat(finalState.version()).isEqualTo(ackedVersion);
          } else {
            assertThat(finalState.version()).isGreaterThan(ackedVersion);
          }
        }
        long previous = 0;
        for (Attempt a : attempts) {
          if (a.ackedVersion() != null) {
            assertThat(a.ackedVersion()).as("versions of %s grow", e.getKey()).isGreaterThan(previous);
            previous = a.ackedVersion();
          }
        }
      }
    }
  }

  /** Once every node is up and quiet, no transaction holds a lock anywhere (bounded wait). */
  private static void awaitNoLocks(ProcessCluster cluster) {
    try (DkvClient dkv = DkvClient.builder().endpoints(cluster.endpoints()).build()) {
      int[] seen = new int[2];
      Await.until("every lock released and every transaction finished after the faults", 30, () -> {
        seen[0] = 0;
        seen[1] = 0;
        for (int i = 0; i < cluster.size(); i++) {
          StatusResponse s = dkv.status(cluster.address(i));
          seen[0] += s.preparedKeys();
          seen[1] += s.activeTransactions();
        }
        return seen[0] == 0 && seen[1] == 0;
      }, () -> "(locked keys " + seen[0] + ", active transactions " + seen[1] + ")");
    }
  }

  private static void awaitAcks(AtomicInteger acked, int target) {
    Await.until(target + " writes acknowledged", 60, () -> acked.get() >= target, () -> "(" + acked.get() + ")");
  }
}
