package io.dkv.core.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.core.directory.DirectoryCommand.CreateNamespace;
import io.dkv.core.directory.DirectoryCommand.DropNamespace;
import io.dkv.core.directory.DirectoryCommand.Initialize;
import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryCommand.Leave;
import io.dkv.core.directory.DirectoryCommand.MarkDown;
import io.dkv.core.directory.DirectoryCommand.MarkUp;
import io.dkv.core.directory.DirectoryCommand.Remove;
import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.Placement;
import java.util.List;
import org.junit.jupiter.api.Test;

class DirectoryStateTest {
  private static final int PARTITIONS = 16;
  private static final int REPLICATION = 3;

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
    return applyAll(DirectoryState.initial(PARTITIONS, REPLICATION),
        new Join("n1", "10.0.0.1:7401"), new Join("n2", "10.0.0.2:7401"),
        new Join("n3", "10.0.0.3:7401"), new MarkUp("n1"), new MarkUp("n2"), new MarkUp("n3"));
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
  void joinsPlaceReplicasWithTheClaimFunctionAtTheDirectoryEpoch() {
    DirectoryState s = applyAll(DirectoryState.initial(PARTITIONS, REPLICATION),
        new Join("n1", "10.0.0.1:7401"), new CreateNamespace("a", NamespaceMode.STRONG, 1, 1, 1),
        new Join("n2", "10.0.0.2:7401"));
    assertThat(s.epoch()).isEqualTo(3);
    assertThat(s.member("n2")).contains(new Member("n2", "10.0.0.2:7401", NodeState.JOINING));
    assertThat(s.map().epoch()).isEqualTo(3);
    assertThat(s.map().members()).containsExactly("n1", "n2");
    // Same replica lists as the claim function, re-stamped with directory epochs.
    PartitionMap expected = Placement.rebalance(Placement.initial(List.of("n1"), PARTITIONS,
        REPLICATION), List.of("n1", "n2"));
    for (int p = 0; p < PARTITIONS; p++) {
      assertThat(s.map().replicas(p)).isEqualTo(expected.replicas(p));
      assertThat(s.map().partitionEpoch(p)).isEqualTo(3);
    }
  }

  @Test
  void markingAJoiningNodeUpKeepsTheMap() {
    DirectoryState joined = applyAll(DirectoryState.initial(PARTITIONS, REPLICATION),
        new Join("n1", "10.0.0.1:7401"));
    DirectoryState up = applyAll(joined, new MarkUp("n1"));
    assertThat(up.epoch()).isEqualTo(2);
    assertThat(up.member("n1").orElseThrow().state()).isEqualTo(NodeState.UP);
    assertThat(up.map()).isSameAs(joined.map());
  }

  @Test
  void aDownNodeLeavesTheMapAndOnlyItsPartitionsGetANewEpoch() {
    DirectoryState before = applyAll(threeUp(), new Join("n4", "10.0.0.4:7401"),
        new MarkUp("n4"));
    DirectoryState after = applyAll(before, new MarkDown("n2"));
    assertThat(after.map().members()).containsExactly("n1", "n3", "n4");
    assertThat(after.map().epoch()).isEqualTo(after.epoch());
    for (int p = 0; p < PARTITIONS; p++) {
      boolean changed = !after.map().replicas(p).equals(before.map().replicas(p));
      assertThat(changed).isEqualTo(before.map().replicas(p).contains("n2"));
      assertThat(after.map().partitionEpoch(p))
          .isEqualTo(changed ? after.epoch() : before.map().partitionEpoch(p));
    }
  }

  @Test
  void aNodeDrainsThenIsRemovedAndMayJoinAgain() {
    DirectoryState s = applyAll(threeUp(), new Leave("n3"));
    assertThat(s.member("n3").orElseThrow().state()).isEqualTo(NodeState.LEAVING);
    assertThat(s.map().members()).containsExactly("n1", "n2");
    s = applyAll(s, new Remove("n3"));
    assertThat(s.member("n3").orElseThrow().state()).isEqualTo(NodeState.REMOVED);
    assertThat(rejection(s, new MarkUp("n3"))).isEqualTo(
        "cannot mark up node 'n3': it is removed; allowed only from [joining, down];"
            + " a removed node must join again");
    s = applyAll(s, new Join("n3", "10.0.0.33:7401"));
    assertThat(s.member("n3")).contains(new Member("n3", "10.0.0.33:7401", NodeState.JOINING));
    assertThat(s.map().members()).containsExactly("n1", "n2", "n3");
  }

  @Test
  void invalidMembershipCommandsAreRejectedWithTheReason() {
    DirectoryState s = threeUp();
    assertThat(rejection(s, new MarkDown("n9"))).isEqualTo(
        "cannot mark down node 'n9': unknown node; the directory knows [n1, n2, n3]");
    assertThat(rejection(s, new Join("n1", "10.0.0.9:7401"))).isEqualTo(
        "node 'n1' already joined with address 10.0.0.1:7401; it cannot join again at"
            + " 10.0.0.9:7401 (state up); a node joins once, or again after it is removed");
    assertThat(rejection(s, new Join("n1", "10.0.0.1:7401")))
        .startsWith("node 'n1' already joined (state up)");
    assertThat(rejection(s, new Remove("n1"))).isEqualTo(
        "cannot remove node 'n1': it is up; allowed only from [leaving, down]");
    assertThat(rejection(s, new MarkUp("n1"))).contains("it is up; allowed only from [joining, down]");
    assertThat(rejection(s, new Join("bad id", "10.0.0.9:7401"))).isEqualTo(
        "node id 'bad id' is invalid; use 1-64 characters of letters, digits, '_', '.', '-',"
            + " starting with a letter or digit");
    for (String address : List.of("10.0.0.9", "10.0.0.9:0", "10.0.0.9:65536", ":7401",
        "host name:7401", "10.0.0.9:74x1")) {
      assertThat(rejection(s, new Join("n9", address))).as(address)
          .startsWith("address '" + address + "' is not HOST:PORT with a port in 1..65535");
    }
    applyAll(s, new Join("n9", "[::1]:7401"), new Join("n8", "db-8.example.com:1"));
  }

  @Test
  void theLastMemberHoldingReplicasCannotLeaveTheMap() {
    DirectoryState s = applyAll(DirectoryState.initial(PARTITIONS, REPLICATION),
        new Join("n1", "10.0.0.1:7401"));
    assertThat(rejection(s, new MarkDown("n1"))).isEqualTo("cannot mark down node 'n1': it is"
        + " the last member holding replicas (joining or up) and the map needs one; join or mark"
        + " up another node first");
    assertThat(rejection(s, new Leave("n1"))).startsWith("cannot drain (leave) node 'n1'");
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
        .isEqualTo("the directory is already initialized (epoch 6, members [n1, n2, n3]); a new"
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
    DirectoryState two = applyAll(DirectoryState.initial(PARTITIONS, REPLICATION),
        new Join("n1", "10.0.0.1:7401"), new Join("n2", "10.0.0.2:7401"));
    assertThat(rejection(two, new CreateNamespace("a", NamespaceMode.STRONG, 3, 3, 1)))
        .isEqualTo("N = 3 is larger than the 2 members holding replicas (joining or up)");
    assertThat(rejection(threeUp(), new CreateNamespace("a", NamespaceMode.STRONG, 4, 4, 1)))
        .isEqualTo("N = 4 is outside 1..3 (the cluster's replication factor)");
    assertThat(rejection(two, new CreateNamespace("a", NamespaceMode.STRONG, 0, 0, 1)))
        .isEqualTo("N = 0 is outside 1..3 (the cluster's replication factor)");
    assertThat(rejection(two, new CreateNamespace("a", NamespaceMode.STRONG, 2, 1, 1)))
        .isEqualTo("a strong namespace writes every replica and reads one: W must equal N (2)"
            + " and R must be 1, got W = 1, R = 1");
    assertThat(rejection(two, new CreateNamespace("a/b", NamespaceMode.STRONG, 1, 1, 1)))
        .startsWith("namespace name 'a/b' is invalid");
    assertThat(rejection(two, new CreateNamespace("default", NamespaceMode.STRONG, 1, 1, 1)))
        .isEqualTo("namespace 'default' already exists");
    assertThat(rejection(two, new DropNamespace("default")))
        .isEqualTo("the namespace 'default' cannot be dropped");
    assertThat(rejection(two, new DropNamespace("nope")))
        .isEqualTo("unknown namespace 'nope'; existing: [default]");
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
        .hasMessage("the map's members [n1, n2, n3] must be the joining and up members [n1, n2]");
    assertThatThrownBy(
            () -> DirectoryState.of(s.epoch(), members, s.map(), List.of()))
        .hasMessage("the namespace 'default' is missing");
  }
}
