package io.dkv.torture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real processes (echo agents in their own JVMs) on loopback: runs without root. */
class ProcessNemesisTest {
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final int TIMEOUT_MILLIS = 5_000;

  @TempDir
  Path logs;

  private static boolean answers(InetSocketAddress address, int timeoutMillis) {
    return LineClient.tryAsk(address, "hello", timeoutMillis).equals(Optional.of("hello"));
  }

  @Test
  void killRestartPauseAndResumeActOnTheRealProcess() throws IOException {
    try (ProxyNetwork network = ProxyNetwork.create(1); ProcessNemesis nemesis = new ProcessNemesis(network, logs)) {
      InetSocketAddress node = network.clientAddress(0);
      nemesis.start(0, EchoAgent.command(network.listenAddress(0)), EchoAgent.READY, READY_TIMEOUT);
      assertThat(answers(node, TIMEOUT_MILLIS)).isTrue();

      long firstPid = nemesis.pid(0);
      nemesis.pause(0);
      assertThat(nemesis.isPaused(0)).isTrue();
      assertThat(Files.readString(Path.of("/proc", Long.toString(firstPid), "stat"))).containsPattern("\\) T ");
      // A stopped process still has its listening socket, so the kernel accepts the connection,
      // but nothing answers.
      assertThat(answers(node, 500)).isFalse();
      nemesis.resume(0);
      assertThat(answers(node, TIMEOUT_MILLIS)).isTrue();

      nemesis.pause(0);
      nemesis.kill9(0);
      assertThat(nemesis.isRunning(0)).isFalse();
      assertThat(ProcessHandle.of(firstPid)).isEmpty();
      assertThat(answers(node, TIMEOUT_MILLIS)).isFalse();

      nemesis.restart(0);
      assertThat(nemesis.pid(0)).isNotEqualTo(firstPid);
      assertThat(answers(node, TIMEOUT_MILLIS)).isTrue();
      List<String> log = Files.readAllLines(nemesis.log(0));
      assertThat(log).filteredOn(l -> l.startsWith("--- n1: ")).hasSize(2);
      assertThat(log).filteredOn(l -> l.startsWith(EchoAgent.READY)).hasSize(2);
    }
  }

  @Test
  void closeStopsEveryProcessItStartedEvenAPausedOne() throws IOException {
    long[] pids = new long[2];
    try (ProxyNetwork network = ProxyNetwork.create(2); ProcessNemesis nemesis = new ProcessNemesis(network, logs)) {
      for (int i = 0; i < 2; i++) {
        nemesis.start(i, EchoAgent.command(network.listenAddress(i)), EchoAgent.READY, READY_TIMEOUT);
        pids[i] = nemesis.pid(i);
      }
      nemesis.pause(1);
    }
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid)).as("pid %d after close", pid).isEmpty();
    }
  }

  @Test
  void aCommandThatExitsBeforeItIsReadyFailsWithItsLogAndLeavesNothingRunning() {
    try (ProxyNetwork network = ProxyNetwork.create(1); ProcessNemesis nemesis = new ProcessNemesis(network, logs)) {
      List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
          "-cp", "/nonexistent", "NoSuchMain");
      assertThatThrownBy(() -> nemesis.start(0, command, "never printed", READY_TIMEOUT))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("did not print 'never printed'").hasMessageContaining(nemesis.log(0).toString());
      assertThat(nemesis.isRunning(0)).isFalse();
      assertThat(nemesis.log(0)).content().contains("NoSuchMain");
    }
  }

  @Test
  void misuseIsRejectedWithTheReason() {
    try (ProxyNetwork network = ProxyNetwork.create(1); ProcessNemesis nemesis = new ProcessNemesis(network, logs)) {
      assertThatThrownBy(() -> nemesis.restart(0)).hasMessageContaining("never started");
      assertThatThrownBy(() -> nemesis.pause(0)).hasMessageContaining("n1 is not running");
      assertThatThrownBy(() -> nemesis.kill9(1)).hasMessageContaining("allowed 0 to 0");
      assertThatThrownBy(() -> nemesis.start(0, List.of(), "x", READY_TIMEOUT)).hasMessageContaining("needs a command");
    }
  }
}
