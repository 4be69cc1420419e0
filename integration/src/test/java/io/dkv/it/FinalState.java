package io.dkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.client.DkvClient;
import io.dkv.client.DkvException;
import io.dkv.it.WriteLoad.Attempt;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.GetRequest;
import io.dkv.protocol.ClientMessage.GetResponse;
import io.dkv.protocol.ClientMessage.StatusResponse;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;

/**
 * The checks after a faulty run with a {@link WriteLoad}, once the cluster is quiet: no key stays
 * locked, every replica holds the same value and version of every key, and that is the last
 * acknowledged write or a later one of unknown outcome. A node that replicates no key (evicted,
 * still a learner, removed) says so, and is skipped.
 */
final class FinalState {
  private FinalState() {}

  /** Each key's final value is its last acknowledged write or a later write of unknown outcome. */
  static void verify(ProcessCluster cluster, Map<String, List<Attempt>> history) throws Exception {
    try (RpcClient rpc = RpcClient.builder().build()) {
      for (Map.Entry<String, List<Attempt>> e : history.entrySet()) {
        List<GetResponse> replicas = new ArrayList<>();
        for (int i = 0; i < cluster.size(); i++) {
          if (cluster.killedByTest(i)) {
            continue; // the test killed it for good (it was removed): it holds nothing
          }
          byte[] body = MessageCodec.encode(new GetRequest("default", Bytes.utf8(e.getKey()), true, 0));
          try {
            replicas.add((GetResponse) MessageCodec.decodeResponse(Procedure.GET,
                rpc.call(cluster.address(i), Procedure.GET.id(), body, Duration.ofSeconds(10)).get()));
          } catch (ExecutionException notReplica) {
            // A node down for longer than down-after was evicted from its partitions
            // (docs/directory.md §8): it is no replica any more, and says so.
            assertThat(notReplica.getCause()).isInstanceOfSatisfying(RpcException.class,
                re -> assertThat(re.code()).isEqualTo(ErrorCode.NOT_REPLICA));
          }
        }
        assertThat(replicas).as("replicas of %s that answered", e.getKey())
            .hasSizeGreaterThanOrEqualTo(2);
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

  /**
   * Once every node is up and quiet, no transaction holds a lock anywhere (bounded wait). A node
   * that does not answer yet, still recovering its journal, is asked again until the deadline.
   */
  static void awaitNoLocks(ProcessCluster cluster) {
    try (DkvClient dkv = DkvClient.builder().endpoints(cluster.endpoints())
        .requestTimeout(Duration.ofSeconds(2)).build()) {
      String[] lastSeen = {"(not asked yet)"};
      Await.until("every lock released and every transaction finished after the faults", 30, () -> {
        int lockedKeys = 0;
        int activeTransactions = 0;
        for (int i = 0; i < cluster.size(); i++) {
          if (cluster.killedByTest(i)) {
            continue; // the test killed it for good (it was removed)
          }
          try {
            StatusResponse s = dkv.status(cluster.address(i));
            lockedKeys += s.preparedKeys();
            activeTransactions += s.activeTransactions();
          } catch (DkvException e) {
            lastSeen[0] = "(" + cluster.id(i) + " did not answer: " + e.getMessage() + ")";
            return false;
          }
        }
        lastSeen[0] = "(locked keys " + lockedKeys + ", active transactions " + activeTransactions + ")";
        return lockedKeys == 0 && activeTransactions == 0;
      }, () -> lastSeen[0]);
    }
  }
}
