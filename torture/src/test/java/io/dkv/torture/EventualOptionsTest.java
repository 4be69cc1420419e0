package io.dkv.torture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventualOptionsTest {
  private static final Duration LIMIT = Duration.ofSeconds(30);

  @Test
  void refusesQuorumsOutsideOneToNAndSaysWhatIsAllowed() {
    assertThatThrownBy(() -> new EventualOptions(3, 4, 1, RepairStep.Kind.READ_REPAIR, LIMIT))
        .hasMessage("an eventual namespace needs N >= 1 and W and R between 1 and N; got N = 3, W = 4, R = 1");
    assertThatThrownBy(() -> new EventualOptions(3, 1, 1, RepairStep.Kind.READ_REPAIR, Duration.ZERO))
        .hasMessageContaining("the convergence limit must be positive");
  }

  @Test
  void repairStepsGoByTheirCommandLineNames() {
    assertThat(RepairStep.Kind.parse("read-repair")).isEqualTo(RepairStep.Kind.READ_REPAIR);
    assertThat(RepairStep.Kind.parse("anti-entropy")).isEqualTo(RepairStep.Kind.ANTI_ENTROPY);
    assertThat(RepairStep.Kind.parse("scheduled")).isEqualTo(RepairStep.Kind.SCHEDULED);
    assertThatThrownBy(() -> RepairStep.Kind.parse("merkle"))
        .hasMessage("unknown repair step 'merkle': allowed read-repair, anti-entropy, scheduled");
  }

  @Test
  void anEventualRunRefusesMembershipChangesAnNAboveTheNodesAndTooFewClients() {
    EventualOptions options = new EventualOptions(3, 1, 1, RepairStep.Kind.READ_REPAIR, LIMIT);
    FaultSchedule joins = FaultSchedule.parse("""
        dkv-fault-schedule seed=1 nodes=4 joiners=1 kinds=join total=3000ms
        at 1000ms for 1000ms join n4
        """);
    assertThatThrownBy(() -> EventualTortureRun.requireSupported(joins, 6, options))
        .hasMessageContaining("an eventual run takes no join or remove faults");
    FaultSchedule twoNodes = FaultSchedule.parse("""
        dkv-fault-schedule seed=1 nodes=2 kinds=partition total=3000ms
        at 1000ms for 1000ms isolate n2
        """);
    assertThatThrownBy(() -> EventualTortureRun.requireSupported(twoNodes, 6, options))
        .hasMessage("N = 3 needs at least as many nodes; the run has 2");
    FaultSchedule threeNodes = FaultSchedule.parse("""
        dkv-fault-schedule seed=1 nodes=3 kinds=partition total=3000ms
        at 1000ms for 1000ms isolate n3
        """);
    assertThatThrownBy(() -> EventualTortureRun.requireSupported(threeNodes, 2, options))
        .hasMessage("an eventual run pins clients to every node, so it needs at least as many clients as nodes:"
            + " 2 clients for 3 nodes");
  }
}
