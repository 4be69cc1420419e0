package io.dkv.core.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.core.directory.DirectoryCommand.CreateNamespace;
import io.dkv.core.directory.DirectoryCommand.DropNamespace;
import io.dkv.core.directory.DirectoryCommand.Evict;
import io.dkv.core.directory.DirectoryCommand.Initialize;
import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryCommand.MarkDown;
import io.dkv.core.directory.DirectoryCommand.Remove;
import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.Placement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectoryStateTest {
  static final int PARTITIONS = 16;
  static final int REPLICATION = 3;

  /** Applies commands that must all be accepted; fails naming the first rejection. */
  static DirectoryState applyAll(DirectoryState s, DirectoryCommand... commands) {
    for (DirectoryCommand c : commands) {
      DirectoryState.Transition t = s.apply(c);
      assertThat(t.result()).as("result of %s", c).isInstanceOf(CommandResult.Accepted.class);
      s = t.state();
    }
    return s;
  }

  static DirectoryState threeUp() {
    return upCluster(3);
  }

  /** A cluster initialized with up members n1..n{count}, Q = 16, RF = 3, at epoch 1. */
  static DirectoryState upCluster(int count) {
    List<Join> members = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      members.add(new Join("n" + i, "10.0.0." + i + ":7401"));
    }
    return applyAll(DirectoryState.initial(PARTITIONS, REPLICATION),
        new Initialize(members, PARTITIONS, REPLICATION));
  }

  /** The rejection reason of {@code command} on {@code s}, after checking that nothing changed. */
  static String rejection(DirectoryState s, DirectoryCommand command) {
    DirectoryState.Transition t = s.apply(command);
    assertThat(t.state()).isSameAs(s);
    assertThat(t.result()).isInstanceOf(CommandResult.Rejected.class);
    assertThat(t.result().epoch()).isEqualTo(s.epoch());
    return ((CommandResult.Rejected) t.result()).reason();
  }

  @Test
  void aNewClusterHasNoMembersAndTheDefaultNamespace() {
    DirectoryState s = DirectoryState.initial(PARTITIONS, REPLICATION);
    assertThat(s.epoch()).isZero();
    assertThat(s.members()).isEmpty();
    assertThat(s.map()).isEqualTo(PartitionMap.empty(PARTITIONS, REPLICATION));
    assertThat(s.namespaces()).containsExactly(
        new Namespace("default", NamespaceMode.STRONG, 3, 3, 1, 0));
  }

  @Test
  void namespacesAreCreatedAndDropped() {
    DirectoryState s = applyAll(threeUp(), new CreateNamespace("users", NamespaceMode.STRONG,
        2, 2, 1));
    long created = threeUp().epoch() + 1;
    assertThat(s.namespace("users"))
        .contains(new Namespace("users", NamespaceMode.STRONG, 2, 2, 1, created));
    assertThat(s.map()).isEqualTo(threeUp().map());
    s = applyAll(s, new DropNamespace("users"));
    assertThat(s.namespace("users")).isEmpty();
    assertThat(s.epoch()).isEqualTo(created + 1);
    // Created again under the same name, it is another namespace: a node can tell its old data.
    s = applyAll(s, new CreateNamespace("users", NamespaceMode.STRONG, 2, 2, 1));
    assertThat(s.namespace("users").orElseThrow().createdEpoch()).isEqualTo(created + 2);
    // Eventual: any W and R from 1 to N, R + W <= N included (the user is warned, not refused).
    s = applyAll(s, new CreateNamespace("logs", NamespaceMode.EVENTUAL, 3, 1, 2));
    assertThat(s.namespace("logs"))
        .contains(new Namespace("logs", NamespaceMode.EVENTUAL, 3, 1, 2, created + 3));
  }

  @Test
  void initializeMakesEveryListedNodeAnUpMemberWithTheFirstMap() {
    List<Join> members = List.of(new Join("n2", "10.0.0.2:7401"), new Join("n1", "10.0.0.1:7401"),
        new Join("n3", "10.0.0.3:7401"));
    DirectoryState s = applyAll(DirectoryState.initial(PARTITIONS, REPLICATION),
        new Initialize(members, PARTITIONS, REPLICATION));
    assertThat(s.epoch()).isEqualTo(1);
    assertThat(s.members()).extracting(Member::state).containsOnly(NodeState.UP);
    assertThat(s.members()).extracting(Member::nodeId).containsExactly("n1", "n2", "n3");
    // The same map a static member list gives (Placement.initial, epoch 1).
    assertThat(s.map()).isEqualTo(Placement.initial(List.of("n1", "n2", "n3"), PARTITIONS,
        REPLICATION));

    // Q and RF come from the command, not from how this replica was started: voters started
    // with other settings still build the same state from the same log.
    DirectoryState elsewhere = applyAll(DirectoryState.initial(4, 1),
        new Initialize(members, PARTITIONS, REPLICATION));
    assertThat(StateCodec.encode(elsewhere)).isEqualTo(StateCodec.encode(s));
    assertThat(elsewhere.namespace("default").orElseThrow().n()).isEqualTo(REPLICATION);
  }

  @Test
  void initializeIsRefusedOnceTheDirectoryHasMembersOrWhenTheListIsBad() {
    DirectoryState s = threeUp();
    assertThat(rejection(s, new Initialize(List.of(new Join("n9", "10.0.0.9:7401")), 8, 3)))
        .isEqualTo("the directory is already initialized (epoch 1, members [n1, n2, n3]); a new"
            + " node joins an existing cluster instead");
    DirectoryState empty = DirectoryState.initial(PARTITIONS, REPLICATION);
    assertThat(rejection(empty, new Initialize(List.of(), 8, 3))).isEqualTo("a cluster needs at"
        + " least one member");
    assertThat(rejection(empty, new Initialize(List.of(new Join("n1", "10.0.0.1:7401"),
        new Join("n1", "10.0.0.2:7401")), 8, 3))).isEqualTo("node 'n1' is listed twice; each"
        + " member once");
    assertThat(rejection(empty, new Initialize(List.of(new Join("n1", "nohost")), 8, 3)))
        .contains("nohost");
    List<Join> one = List.of(new Join("n1", "10.0.0.1:7401"));
    assertThat(rejection(empty, new Initialize(one, 0, 3)))
        .isEqualTo("partition count 0 is outside 1..65536");
    assertThat(rejection(empty, new Initialize(one, 8, 16)))
        .isEqualTo("replication factor 16 is outside 1..15");
  }

  @Test
  void invalidNamespaceCommandsAreRejectedWithTheReason() {
    DirectoryState two = upCluster(2);
    assertThat(rejection(two, new CreateNamespace("a", NamespaceMode.STRONG, 3, 3, 1)))
        .isEqualTo("N = 3 is larger than the 2 members of the partition map (every member not"
            + " removed)");
    assertThat(rejection(threeUp(), new CreateNamespace("a", NamespaceMode.STRONG, 4, 4, 1)))
        .isEqualTo("N = 4 is outside 1..3 (the cluster's replication factor)");
    assertThat(rejection(two, new CreateNamespace("a", NamespaceMode.STRONG, 0, 0, 1)))
        .isEqualTo("N = 0 is outside 1..3 (the cluster's replication factor)");
    assertThat(rejection(two, new CreateNamespace("a", NamespaceMode.STRONG, 2, 1, 1)))
        .isEqualTo("a strong namespace writes every replica and reads one: W must equal N (2)"
            + " and R must be 1, got W = 1, R = 1");
    assertThat(rejection(two, new CreateNamespace("a", NamespaceMode.EVENTUAL, 2, 3, 1)))
        .isEqualTo("an eventual namespace's write quorum W must be 1..N (2), got W = 3");
    assertThat(rejection(two, new CreateNamespace("a", NamespaceMode.EVENTUAL, 2, 1, 0)))
        .isEqualTo("an eventual namespace's read quorum R must be 1..N (2), got R = 0");
    assertThat(rejection(threeUp(), new CreateNamespace("a", NamespaceMode.EVENTUAL, 4, 2, 2)))
        .isEqualTo("N = 4 is outside 1..3 (the cluster's replication factor)");
    assertThat(rejection(two, new CreateNamespace("a/b", NamespaceMode.STRONG, 1, 1, 1)))
        .startsWith("namespace name 'a/b' is invalid");
    assertThat(rejection(two, new CreateNamespace("default", NamespaceMode.STRONG, 1, 1, 1)))
        .isEqualTo("namespace 'default' already exists");
    assertThat(rejection(two, new DropNamespace("default")))
        .isEqualTo("the namespace 'default' cannot be dropped");
    assertThat(rejection(two, new DropNamespace("nope")))
        .isEqualTo("unknown namespace 'nope'; existing: [default]");
  }

  /**
   * N is checked against the target min(RF, members of the map), not against short lists, and a
   * down member counts until it is removed.
   */
  @Test
  void aNamespaceMayBeCreatedWhilePartitionsHaveShortLists() {
    DirectoryState evicted = applyAll(upCluster(4), new MarkDown("n4"), new Evict("n4", 2));
    DirectoryState s = applyAll(evicted, new Remove("n4"));
    assertThat(s.map().members()).containsExactly("n1", "n2", "n3");
    assertThat(s.map().partitionsOf("n1")).anyMatch(p -> s.map().replicas(p).size() == 2);
    DirectoryState created = applyAll(s, new CreateNamespace("a", NamespaceMode.STRONG, 3, 3, 1));
    assertThat(created.namespace("a").orElseThrow().n()).isEqualTo(3);
    assertThat(created.map()).isSameAs(s.map());

    DirectoryState twoUp = applyAll(upCluster(3), new MarkDown("n3"));
    applyAll(twoUp, new CreateNamespace("a", NamespaceMode.STRONG, 3, 3, 1));
    DirectoryState twoLeft = applyAll(twoUp, new Evict("n3", 1), new Remove("n3"));
    assertThat(rejection(twoLeft, new CreateNamespace("a", NamespaceMode.STRONG, 3, 3, 1)))
        .startsWith("N = 3 is larger than the 2 members of the partition map");
  }

  @Test
  void ofChecksTheInvariants() {
    DirectoryState s = threeUp();
    List<Member> members = s.members();
    assertThat(DirectoryState.of(s.epoch(), members, s.map(), s.namespaces())).isEqualTo(s);
    assertThatThrownBy(
            () -> DirectoryState.of(s.map().epoch() - 1, members, s.map(), s.namespaces()))
        .hasMessageContaining("<= directory epoch");
    assertThatThrownBy(
            () -> DirectoryState.of(s.epoch(), members.subList(0, 2), s.map(), s.namespaces()))
        .hasMessage("the map's members [n1, n2, n3] must be the members that are not removed"
            + " [n1, n2]");
    List<Member> n3Removed = List.of(members.get(0), members.get(1),
        members.get(2).withState(NodeState.REMOVED));
    assertThatThrownBy(() -> DirectoryState.of(s.epoch(), n3Removed, s.map(), s.namespaces()))
        .hasMessage("the map's members [n1, n2, n3] must be the members that are not removed"
            + " [n1, n2]");
    // A down or leaving member stays in the map, with its replicas.
    List<Member> n2DownN3Leaving = List.of(members.get(0),
        members.get(1).withState(NodeState.DOWN), members.get(2).withState(NodeState.LEAVING));
    assertThat(DirectoryState.of(s.epoch(), n2DownN3Leaving, s.map(), s.namespaces()).map())
        .isSameAs(s.map());
    assertThatThrownBy(
            () -> DirectoryState.of(s.epoch(), members, s.map(), List.of()))
        .hasMessage("the namespace 'default' is missing");
  }
}
