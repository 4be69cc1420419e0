package io.dkv.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The harness must not let a server that died unnoticed pass for a healthy one. */
class ProcessClusterTest {
  @TempDir
  Path dir;

  @Test
  void aNodeThatDiedOnItsOwnFailsKillStartAndCloseWithItsExitCodeAndLog() throws Exception {
    ProcessCluster cluster = new ProcessCluster(dir, 1).startAll();
    // SIGKILL from outside the harness: to the cluster, the node crashed by itself.
    ProcessHandle.of(cluster.pid(0)).orElseThrow().destroyForcibly();
    Await.until("n1 is gone", 30, () -> !cluster.isAlive(0));

    String diedOnItsOwn = "n1 exited on its own with exit code 137";
    List<String> log = Files.readAllLines(cluster.logOf(0));
    assertThat(log).as("the node logged while it ran").isNotEmpty();
    String logTail = "lines of " + cluster.logOf(0) + ":\n" + String.join("\n", log);
    assertThatThrownBy(() -> cluster.kill9(0)).hasMessageContaining(diedOnItsOwn).hasMessageContaining(logTail);
    assertThatThrownBy(() -> cluster.start(0)).hasMessageContaining(diedOnItsOwn);
    assertThatThrownBy(cluster::close).isInstanceOf(AssertionError.class)
        .hasMessageContaining(diedOnItsOwn).hasMessageContaining(logTail);
  }
}
