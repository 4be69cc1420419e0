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
}
