package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The dev cluster's processes, with stand-in commands: {@code sleep} for a node that runs until it
 * is stopped, {@code sh -c 'exit N'} for one that crashes.
 */
class DevNodesTest {
  private final DevNodes nodes = new DevNodes();

  @AfterEach
  void stop() {
    nodes.stopAll();
  }

  private static ProcessBuilder runsUntilStopped() {
    return new ProcessBuilder("sleep", "600");
  }

  private static ProcessBuilder exitsWith(int code) {
    return new ProcessBuilder("sh", "-c", "exit " + code);
  }

  @Test
  void aNodeThatExitsOnItsOwnEndsDevWithCode3AndSaysWhichAndHow() throws Exception {
    DevNodes.Node running = nodes.start("n1", runsUntilStopped());
    nodes.start("n2", exitsWith(7));
    DevCommand dev = new DevCommand();
    dev.dir = Path.of("data", "dev");
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int exitCode = dev.awaitNodes(nodes, new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(exitCode).isEqualTo(Main.UNAVAILABLE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("node n2 exited on its own with code 7",
        Path.of("data", "dev", "n2.log").toString());
    assertThat(running.process().isAlive()).as("the other nodes are stopped").isFalse();
  }

  @Test
  void nodesStoppedByStopAllAreNotCrashes() throws Exception {
    nodes.start("n1", runsUntilStopped());
    nodes.start("n2", runsUntilStopped());
    CompletableFuture<Optional<DevNodes.Crash>> watched = CompletableFuture.supplyAsync(() -> {
      try {
        return nodes.awaitCrash();
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    nodes.stopAll();
    assertThat(watched.get(30, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void aNodeEndedBySigtermIsNotACrash() throws Exception {
    DevNodes.Node n1 = nodes.start("n1", runsUntilStopped());
    n1.process().destroy();
    assertThat(nodes.awaitCrash()).isEmpty();
  }

  @Test
  void noNodeStartsOnceStoppingHasBegun() {
    nodes.stopAll();
    assertThatThrownBy(() -> nodes.start("n1", runsUntilStopped()))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("stopping");
    assertThat(nodes.nodes()).isEmpty();
  }
}
