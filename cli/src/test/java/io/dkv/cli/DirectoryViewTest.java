package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.client.ClusterMember;
import io.dkv.client.ClusterMember.State;
import io.dkv.client.ClusterStatus;
import io.dkv.client.NamespaceSettings;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What {@code dkv cluster status} and {@code dkv ns list} print for a given directory. */
class DirectoryViewTest {
  static final ClusterStatus STATUS = new ClusterStatus(12, Optional.of("n2"), 16, 3,
      List.of(new ClusterMember("n1", "10.0.0.1:7401", State.UP, 16, true),
          new ClusterMember("node-two", "10.0.0.2:7401", State.LEAVING, 0, true),
          new ClusterMember("n4", "10.0.0.4:17401", State.REMOVED, 0, false)),
      List.of(NamespaceSettings.strong("default", 3),
          new NamespaceSettings("orders", NamespaceSettings.Mode.STRONG, 2, 2, 1)));

  @Test
  void theTextShowsTheHeaderAMemberTableTheMovesAndANamespaceTableInAlignedColumns() {
    assertThat(DirectoryView.statusText(STATUS, "(moves)")).isEqualTo("""
        directory epoch 12, leader n2, 16 partitions (Q), replication factor 3 (RF)
        NODE      ADDRESS         STATE    PARTITIONS  VOTER
        n1        10.0.0.1:7401   up       16          yes
        node-two  10.0.0.2:7401   leaving  0           yes
        n4        10.0.0.4:17401  removed  0           no

        (moves)

        NAMESPACE  MODE    N  W  R
        default    strong  3  3  1
        orders     strong  2  2  1""");
  }

  @Test
  void anUnknownLeaderIsSaidInTextAndNullInJson() {
    ClusterStatus noLeader = new ClusterStatus(1, Optional.empty(), 8, 1, List.of(), List.of());
    assertThat(DirectoryView.statusText(noLeader, "")).startsWith("directory epoch 1, leader unknown, 8 partitions");
    assertThat(Json.of(DirectoryView.statusFields(noLeader))).isEqualTo(
        "{\"epoch\":1,\"leader\":null,\"partitionCount\":8,\"replicationFactor\":1,\"members\":[],\"namespaces\":[]}");
  }

  @Test
  void theJsonHasEveryFieldWithLowerCaseStatesAndModes() {
    assertThat(Json.of(DirectoryView.statusFields(STATUS))).isEqualTo("{\"epoch\":12,\"leader\":\"n2\","
        + "\"partitionCount\":16,\"replicationFactor\":3,\"members\":["
        + "{\"node\":\"n1\",\"address\":\"10.0.0.1:7401\",\"state\":\"up\",\"partitions\":16,\"voter\":true},"
        + "{\"node\":\"node-two\",\"address\":\"10.0.0.2:7401\",\"state\":\"leaving\",\"partitions\":0,\"voter\":true},"
        + "{\"node\":\"n4\",\"address\":\"10.0.0.4:17401\",\"state\":\"removed\",\"partitions\":0,\"voter\":false}],"
        + "\"namespaces\":[{\"name\":\"default\",\"mode\":\"strong\",\"n\":3,\"w\":3,\"r\":1},"
        + "{\"name\":\"orders\",\"mode\":\"strong\",\"n\":2,\"w\":2,\"r\":1}]}");
  }

  @Test
  void aClusterWithoutNamespacesStillShowsTheHeader() {
    assertThat(DirectoryView.namespacesText(List.of())).isEqualTo("NAMESPACE  MODE  N  W  R");
  }
}
