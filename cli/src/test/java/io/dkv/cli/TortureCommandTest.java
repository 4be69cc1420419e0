package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dkv torture}'s arguments: a bad one is a usage error (exit 2) saying what is allowed, before
 * any server starts. The runs themselves are the fault suite's (TortureSuiteTest).
 */
class TortureCommandTest {
  @Test
  void removeWithoutANodeThatCanBeRemovedIsAUsageError() {
    Run run = Run.of("torture", "--faults", "remove", "--nodes", "3", "--minutes", "1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("remove needs a node that is not a directory voter, and all 3 nodes are voters:"
        + " add join to the kinds, or start more than 3 nodes");
  }

  @Test
  void aPartitionCountBelowOneIsAUsageError() {
    Run run = Run.of("torture", "--partitions", "0", "--minutes", "1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("partitions must be at least 1", "0 partitions");
  }

  @Test
  void aScheduleThatRemovesAVoterIsAUsageErrorNamingTheWindow(@TempDir Path dir) throws Exception {
    Path schedule = Files.writeString(dir.resolve("schedule.txt"), """
        dkv-fault-schedule seed=1 nodes=4 joiners=1 kinds=join,remove total=30000ms
        at 1000ms for 10000ms join n4
        at 12000ms for 10000ms remove n2
        """);

    Run run = Run.of("torture", "--schedule", schedule.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("'at 12000ms for 10000ms remove n2': n2 is a directory voter (the voters are"
        + " [n1, n2, n3])");
  }

  @Test
  void eventualModeRefusesAQuorumAboveNAndSaysWhatIsAllowed() {
    Run run = Run.of("torture", "--mode", "eventual", "--n", "3", "--w", "4", "--minutes", "1");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("W and R between 1 and N; got N = 3, W = 4, R = 2");
  }

  @Test
  void eventualModeRefusesJoinsAnUnknownRepairStepAndTooFewClients() {
    Run joins = Run.of("torture", "--mode", "eventual", "--faults", "partition,join", "--minutes", "1");
    Run repair = Run.of("torture", "--mode", "eventual", "--repair", "merkle", "--minutes", "1");
    Run mode = Run.of("torture", "--mode", "quorum", "--minutes", "1");
    Run clients = Run.of("torture", "--mode", "eventual", "--clients", "2", "--minutes", "1");

    assertThat(joins.exitCode()).isEqualTo(2);
    assertThat(joins.err()).contains("an eventual run takes no join or remove faults");
    assertThat(repair.exitCode()).isEqualTo(2);
    assertThat(repair.err()).contains("unknown repair step 'merkle': allowed read-repair, anti-entropy, scheduled");
    assertThat(mode.exitCode()).isEqualTo(2);
    assertThat(mode.err()).contains("--mode must be strong or eventual, got 'quorum'");
    assertThat(clients.exitCode()).isEqualTo(2);
    assertThat(clients.err()).contains("at least as many clients as nodes: 2 clients for 3 nodes");
  }
}
