package io.dkv.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Which nodes a write's coordinator may hand a replica's write to, from the directory. */
class HandoffPlanTest {
  private static DirectoryState apply(DirectoryState s, DirectoryCommand c) {
    DirectoryState.Transition t = s.apply(c);
    assertThat(t.result()).isInstanceOf(CommandResult.Accepted.class);
    return t.state();
  }

  private static DirectoryState cluster() {
    DirectoryState s = TestClusters.cluster(MemberAddress.parseList("n1@127.0.0.1:1,n2@127.0.0.1:2,n3@127.0.0.1:3,"
        + "n4@127.0.0.1:4,n5@127.0.0.1:5,n6@127.0.0.1:6"), 8, 3).state();
    s = apply(s, new DirectoryCommand.MarkDown("n2"));
    s = apply(s, new DirectoryCommand.Leave("n4"));
    // n7 joins, leaves before it holds anything, and is removed.
    s = apply(s, new DirectoryCommand.Join("n7", "127.0.0.1:7"));
    s = apply(s, new DirectoryCommand.Leave("n7"));
    return apply(s, new DirectoryCommand.Remove("n7"));
  }

  @Test
  void fallbacksAreTheUpMembersThatAreNotReplicasStartingAtThePartitionsNumber() {
    DirectoryState s = cluster();
    List<String> replicas = List.of("n1", "n2", "n3");
    // Members in id order n1..n7; partition 4 starts at n5, partition 5 at n6.
    assertThat(HandoffPlan.of(s, replicas, 4)).isEqualTo(new HandoffPlan(List.of("n5", "n6"), Set.of("n2")));
    assertThat(HandoffPlan.of(s, replicas, 5).fallbacks()).as("n4 is leaving, n7 removed").containsExactly("n6", "n5");
    assertThat(HandoffPlan.of(s, List.of("n5", "n6", "n1"), 0)).isEqualTo(new HandoffPlan(List.of("n3"), Set.of()));
  }

  @Test
  void theHintsOfRemovedNodesAreDropped() {
    assertThat(HandoffPlan.removed(cluster())).containsExactly("n7");
  }
}
