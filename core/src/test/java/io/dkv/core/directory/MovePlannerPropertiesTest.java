package io.dkv.core.directory;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.directory.DirectoryCommand.Evict;
import io.dkv.core.directory.DirectoryCommand.Initialize;
import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryCommand.Leave;
import io.dkv.core.directory.DirectoryCommand.MarkDown;
import io.dkv.core.directory.DirectoryCommand.MarkUp;
import io.dkv.core.directory.DirectoryCommand.Promote;
import io.dkv.core.placement.PartitionMap;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The planner against the directory's rules over random membership histories: every command it
 * plans is accepted, however far the cluster is from its target, and once the membership stops
 * changing and every copy finishes, the map reaches the target (every partition full, every node
 * within one replica of its share) and the planner goes quiet.
 */
class MovePlannerPropertiesTest {
  private static final List<String> NODES = List.of("n1", "n2", "n3", "n4", "n5", "n6");

  /** One change of membership, or a round of the leader with some of the copies finished. */
  private record Step(String kind, String node, int promotions) {}

  @Provide
  Arbitrary<List<Step>> histories() {
    Arbitrary<Step> step = net.jqwik.api.Combinators.combine(
        Arbitraries.of("join", "leave", "fail", "return", "round", "round", "round"),
        Arbitraries.of(NODES), Arbitraries.integers().between(0, 20)).as(Step::new);
    return step.list().ofMinSize(1).ofMaxSize(25);
  }

  @Property(tries = 500)
  void everyPlannedCommandIsAcceptedAndTheMapSettlesOnItsTarget(
      @ForAll("histories") List<Step> history,
      @ForAll @IntRange(min = 1, max = 24) int partitions,
      @ForAll @IntRange(min = 1, max = 3) int replication) {
    DirectoryState s = DirectoryState.initial(partitions, replication).apply(new Initialize(
        List.of(new Join("n1", "h:1"), new Join("n2", "h:2"), new Join("n3", "h:3")), partitions,
        replication)).state();
    for (Step step : history) {
      s = switch (step.kind()) {
        case "join" -> s.apply(new Join(step.node(), "h:" + step.node())).state();
        case "leave" -> othersServe(s, step.node()) ? s.apply(new Leave(step.node())).state() : s;
        case "fail" -> s.apply(new MarkDown(step.node())).state().apply(new Evict(step.node(), 1)).state();
        case "return" -> s.apply(new MarkUp(step.node())).state();
        default -> round(s, step.promotions());
      };
    }
    // Quiet: every down node comes back, then the leader runs until it has nothing to do.
    for (Member m : s.members()) {
      if (m.state() == NodeState.DOWN) {
        s = s.apply(new MarkUp(m.nodeId())).state();
      }
    }
    for (int i = 0; i < 50 && (!s.map().moving().isEmpty()
        || !MovePlanner.plan(s, n -> Long.MAX_VALUE, 8).isEmpty()); i++) {
      s = round(s, Integer.MAX_VALUE);
    }
    assertThat(MovePlanner.plan(s, n -> Long.MAX_VALUE, 8)).isEmpty();
    assertSettled(s);
  }

  /** Whether a member other than {@code node} is up or joining: the cluster keeps one to drain to. */
  private static boolean othersServe(DirectoryState s, String node) {
    return s.members().stream().anyMatch(m -> !m.nodeId().equals(node)
        && (m.state() == NodeState.UP || m.state() == NodeState.JOINING));
  }

  /** One run of the planner, every command applied (and accepted), then some copies finish. */
  private static DirectoryState round(DirectoryState s, int promotions) {
    for (DirectoryCommand c : MovePlanner.plan(s, n -> Long.MAX_VALUE, 8)) {
      DirectoryState.Transition t = s.apply(c);
      assertThat(t.result()).as("%s on %s", c, s).isInstanceOf(CommandResult.Accepted.class);
      s = t.state();
    }
    List<Integer> moving = new ArrayList<>(s.map().moving());
    for (int i = 0; i < Math.min(promotions, moving.size()); i++) {
      int p = moving.get(i);
      var move = s.map().set(p).move();
      s = s.apply(new Promote(p, move.to(), move.since())).state();
    }
    return s;
  }

  private static void assertSettled(DirectoryState s) {
    PartitionMap map = s.map();
    List<String> up = s.members().stream().filter(m -> m.state() == NodeState.UP)
        .map(Member::nodeId).toList();
    assertThat(s.members()).allMatch(m -> m.state() == NodeState.UP || m.state() == NodeState.REMOVED);
    int perPartition = Math.min(map.replicationFactor(), up.size());
    int slots = map.partitionCount() * perPartition;
    for (int p = 0; p < map.partitionCount(); p++) {
      assertThat(map.replicas(p)).as("partition %d", p).hasSize(perPartition);
      assertThat(map.set(p).move()).isNull();
      assertThat(map.set(p).leaving()).isEmpty();
    }
    for (String n : up) {
      assertThat(map.partitionsOf(n).size()).as("replicas of %s", n)
          .isBetween(slots / up.size(), (slots + up.size() - 1) / up.size());
    }
  }
}
