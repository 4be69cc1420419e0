package io.dkv.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class LoopbackPortsTest {
  @Test
  void portsAreDistinctFreeAndBelowTheKernelsEphemeralRange() throws IOException {
    int ephemeral = LoopbackPorts.ephemeralStart();
    assertThat(ephemeral).as("this test needs an ephemeral range above %d", LoopbackPorts.LOWEST)
        .isGreaterThan(LoopbackPorts.LOWEST + 200);
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      int port = LoopbackPorts.next();
      assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
      assertThat(port).isBetween(LoopbackPorts.LOWEST, ephemeral - 1);
      try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        assertThat(s.getLocalPort()).isEqualTo(port);
      }
    }
  }

  @Test
  void aPortInUseIsSkipped() throws IOException {
    int first = LoopbackPorts.next();
    // Hold the port the sequence would hand out next, so it must skip it.
    try (ServerSocket held = new ServerSocket(first + 1, 1, InetAddress.getLoopbackAddress())) {
      int second = LoopbackPorts.next();
      assertThat(second).isNotEqualTo(held.getLocalPort());
    }
  }

  @Test
  void theEphemeralRangeIsReadFromTheKernel() {
    assertThat(LoopbackPorts.ephemeralStart()).as("/proc/sys/net/ipv4/ip_local_port_range").isGreaterThan(1024);
  }
}
