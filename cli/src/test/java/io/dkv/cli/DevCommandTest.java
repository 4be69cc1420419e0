package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DevCommandTest {
  @Test
  void theDirectoryHasOneVoterOrThreeFromThreeNodesOnAtTheirRaftPorts() {
    assertThat(DevCommand.voters(1, 7400)).containsExactly("n1@127.0.0.1:7501");
    assertThat(DevCommand.voters(2, 7400)).containsExactly("n1@127.0.0.1:7501");
    assertThat(DevCommand.voters(3, 7400))
        .containsExactly("n1@127.0.0.1:7501", "n2@127.0.0.1:7502", "n3@127.0.0.1:7503");
    assertThat(DevCommand.voters(7, 9000))
        .containsExactly("n1@127.0.0.1:9101", "n2@127.0.0.1:9102", "n3@127.0.0.1:9103");
  }
}
