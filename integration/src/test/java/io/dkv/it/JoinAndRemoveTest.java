package io.dkv.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.client.ClusterMember;
import io.dkv.client.DkvClient;
import io.dkv.client.Routing;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node enters a running cluster with {@code dkv server --join} and starts leaving it with
 * {@code dkv cluster remove}, all real processes. Moving partitions to and from it is not part of
 * this: the joined node holds none, and stays leaving.
 */
class JoinAndRemoveTest {
  private static final int N4 = 3;

  @TempDir
  Path dir;

  private static DkvClient through(String endpoint) {
    return DkvClient.builder().endpoints(endpoint).routing(Routing.RECURSIVE).namespace("default")
        .requestTimeout(Duration.ofSeconds(10)).build();
  }

  private static Optional<ClusterMember> member(DkvClient dkv, String nodeId) {
    return dkv.clusterStatus().members().stream().filter(m -> m.nodeId().equals(nodeId)).findFirst();
  }

  @Test
  void aJoinedNodeIsAMemberServesRestartsAndLeavesOnRemove() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(dir, 3, 1).startAll();
         DkvClient viaN2 = through(cluster.endpoint(1));
         DkvClient viaN4 = through(cluster.endpoint(N4))) {
      cluster.start(N4); // --join through n1

      // Another node's view has it (within a fetch period if it is not the voter that applied it).
      Await.until("n2 sees n4 as a member", 20, () -> member(viaN2, "n4")
          .filter(m -> m.state() == ClusterMember.State.JOINING || m.state() == ClusterMember.State.UP)
          .isPresent(), () -> String.valueOf(member(viaN2, "n4")));
      ClusterMember n4 = member(viaN2, "n4").orElseThrow();
      assertThat(n4.address()).isEqualTo(cluster.endpoint(N4));
      assertThat(n4.voter()).isFalse();
      assertThat(n4.partitions()).isZero();

      // It holds no partition, so it coordinates writes and forwards reads to the replicas.
      viaN4.put("joined", "through n4");
      assertThat(value(viaN4, "joined")).isEqualTo("through n4");
      assertThat(value(viaN2, "joined")).isEqualTo("through n4");

      cluster.kill9(N4);
      cluster.start(N4); // the same command line: already a member at this address
      assertThat(value(viaN4, "joined")).isEqualTo("through n4");

      Cli.Result voter = Cli.run("cluster", "remove", "n1", "--cluster", cluster.endpoint(1));
      assertThat(voter.exitCode()).as(voter.stderr()).isEqualTo(1);
      assertThat(voter.stderr()).contains("cannot remove node 'n1': it is a directory voter");

      Cli.Result removed = Cli.run("cluster", "remove", "n4", "--cluster", cluster.endpoint(1));
      assertThat(removed.exitCode()).as(removed.stderr()).isZero();
      assertThat(removed.stdout()).startsWith("node n4 is leaving (directory epoch ")
          .contains("Watch the progress with: dkv cluster status");
      // n2 answered once its own view had the change.
      assertThat(member(viaN2, "n4").orElseThrow().state()).isEqualTo(ClusterMember.State.LEAVING);
      Await.until("n4 sees itself leaving", 20,
          () -> member(viaN4, "n4").orElseThrow().state() == ClusterMember.State.LEAVING);

      Cli.Result again = Cli.run("cluster", "remove", "n4", "--cluster", cluster.endpoint(0));
      assertThat(again.exitCode()).as(again.stderr()).isEqualTo(1);
      assertThat(again.stderr()).contains("cannot remove node 'n4'");
    }
  }

  private static String value(DkvClient dkv, String key) {
    return new String(dkv.get(key).orElseThrow().value(), StandardCharsets.UTF_8);
  }
}
