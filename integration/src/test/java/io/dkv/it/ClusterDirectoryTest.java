package io.dkv.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.client.ClusterMember;
import io.dkv.client.ClusterStatus;
import io.dkv.client.DkvClient;
import io.dkv.client.DkvException;
import io.dkv.client.InvalidRequestException;
import io.dkv.client.NamespaceSettings;
import io.dkv.client.Versioned;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The directory as real server processes use it: one view, namespaces, restarts. */
class ClusterDirectoryTest {
  @TempDir
  Path dir;

  private static DkvClient client(String endpoints, String namespace) {
    return DkvClient.builder().endpoints(endpoints).namespace(namespace)
        .requestTimeout(Duration.ofSeconds(10)).build();
  }

  @Test
  void everyNodeJoinsOneDirectoryAndNamespacesWorkThroughAnyNode() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(dir, 3).startAll();
         DkvClient viaN1 = client(cluster.endpoint(0), "default");
         DkvClient usersViaN3 = client(cluster.endpoint(2), "users")) {
      ClusterStatus status = viaN1.clusterStatus();
      assertThat(status.epoch()).isEqualTo(1);
      assertThat(status.partitionCount()).isEqualTo(256);
      assertThat(status.replicationFactor()).isEqualTo(3);
      assertThat(status.leader()).hasValueSatisfying(l -> assertThat(l).isIn("n1", "n2", "n3"));
      assertThat(status.members()).extracting(ClusterMember::nodeId).containsExactly("n1", "n2", "n3");
      assertThat(status.members()).allSatisfy(m -> {
        assertThat(m.state()).isEqualTo(ClusterMember.State.UP);
        assertThat(m.partitions()).isEqualTo(256);
        assertThat(m.voter()).isTrue();
        assertThat(m.address()).isEqualTo(cluster.endpoint(Integer.parseInt(m.nodeId().substring(1)) - 1));
      });
      assertThat(status.namespaces()).containsExactly(NamespaceSettings.strong("default", 3));

      assertThat(viaN1.createNamespace(NamespaceSettings.strong("users", 3))).isEqualTo(2);
      // Straight away through another node, which may not have applied the change yet: it asks
      // the directory before refusing the namespace.
      long version = usersViaN3.put("k", "in users");
      assertThat(viaN1.get("k")).isEmpty();
      assertThat(value(usersViaN3.get("k").orElseThrow())).isEqualTo("in users");
      assertThat(version).isEqualTo(1);

      assertThatThrownBy(() -> viaN1.createNamespace(NamespaceSettings.strong("users", 3)))
          .isInstanceOf(InvalidRequestException.class).hasMessageContaining("namespace 'users' already exists");
      assertThat(viaN1.dropNamespace("users")).isEqualTo(3);
      // Every node frees the dropped incarnation's keys (each replicates every partition here).
      for (int i = 0; i < 3; i++) {
        Path log = cluster.logOf(i);
        Await.until("node " + cluster.id(i) + " frees the space of users@2", 20,
            () -> contains(log, "freed the space of dropped namespace users@2 (1 keys)"));
      }
      // Through n1, whose view had the change when it answered (other nodes see it a moment later).
      try (DkvClient usersViaN1 = client(cluster.endpoint(0), "users")) {
        assertThatThrownBy(() -> usersViaN1.get("k"))
            .isInstanceOf(InvalidRequestException.class).hasMessageContaining("namespace 'users' does not exist");

        // Created again under the same name, it is a new namespace: the dropped one's keys are gone.
        assertThat(viaN1.createNamespace(NamespaceSettings.strong("users", 3))).isEqualTo(4);
        assertThat(usersViaN1.get("k")).isEmpty();
        // A write through any node lands in the new incarnation: a node still on the old one is
        // refused by the replicas that have the new one, and the client retries.
        usersViaN3.put("k2", "new");
        assertThat(value(usersViaN1.get("k2").orElseThrow())).isEqualTo("new");
      }
      assertThat(viaN1.clusterStatus().namespaces()).extracting(NamespaceSettings::name)
          .containsExactly("default", "users");
    }
  }

  @Test
  void aRestartedNodeServesItsCopyOfTheDirectoryButStrongReadsOnlyWithALease() throws Exception {
    try (ProcessCluster cluster = new ProcessCluster(dir, 3).startAll()) {
      try (DkvClient dkv = client(cluster.endpoints(), "default")) {
        dkv.put("kept", "before");
      }
      for (int i = 0; i < 3; i++) {
        cluster.kill9(i);
      }
      // n1 alone: no directory majority, so only its own copy of the directory lets it start and
      // route, and no heartbeat can be acknowledged, so it holds no read lease.
      cluster.start(0);
      try (DkvClient n1 = DkvClient.builder().endpoints(cluster.endpoint(0)).namespace("default")
          .requestTimeout(Duration.ofSeconds(2)).build()) {
        assertThat(n1.clusterStatus().epoch()).isEqualTo(1);
        // n1 may not read its own replica, and the replicas it forwards the read to are down.
        assertThatThrownBy(() -> n1.get("kept")).isInstanceOf(DkvException.class);
      }
      // With a second voter the directory has a majority again: n1's heartbeats are acknowledged.
      cluster.start(1);
      try (DkvClient n1 = client(cluster.endpoint(0), "default")) {
        assertThat(value(n1.get("kept").orElseThrow())).isEqualTo("before");
      }
    }
  }

  /** Whether a node's log has {@code text}; read as bytes, since a log may hold non-UTF-8 output. */
  private static boolean contains(Path log, String text) {
    try {
      return new String(Files.readAllBytes(log), StandardCharsets.ISO_8859_1).contains(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String value(Versioned v) {
    return new String(v.value(), StandardCharsets.UTF_8);
  }
}
