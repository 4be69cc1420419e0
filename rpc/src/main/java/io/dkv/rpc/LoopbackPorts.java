package io.dkv.rpc;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports on 127.0.0.1 for servers that bind them later: test clusters and {@code dkv torture}, which
 * choose every node's port before starting the nodes one after another.
 *
 * <p>Why not a port the kernel just handed out for {@code bind(0)}: Linux takes those, and the local
 * ports of outgoing connections, from the same ephemeral range ({@code ip_local_port_range},
 * usually 32768-60999). Between the pick and the server's bind, one of the nodes already running
 * may open a connection whose local port is exactly that one, and the server fails with "Address
 * already in use" (it happened in CI: a directory node's Raft connection). Below the range the
 * kernel never assigns a port on its own, so only another explicit bind can take one: ports are
 * picked there, in sequence from a random start (two test JVMs rarely walk the same ports), and
 * each is checked free with a bind.
 */
public final class LoopbackPorts {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  /** The lowest port handed out: above the ports that common services listen on. */
  static final int LOWEST = 20_000;
  private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  private static final int END = ephemeralStart(); // exclusive
  private static final AtomicInteger next = new AtomicInteger(
      END > LOWEST ? LOWEST + ThreadLocalRandom.current().nextInt(END - LOWEST) : 0);

  private LoopbackPorts() {}

  /**
   * A port on 127.0.0.1 that was free a moment ago and that the kernel does not hand out by itself.
   * Where no such range exists (the ephemeral range starts below {@link #LOWEST}, or is unknown),
   * falls back to a port from {@code bind(0)}.
   */
  public static int next() {
    if (END <= LOWEST) {
      return bound(0);
    }
    for (int tries = 0; tries < END - LOWEST; tries++) {
      int port = LOWEST + Math.floorMod(next.getAndIncrement() - LOWEST, END - LOWEST);
      if (bound(port) == port) {
        return port;
      }
    }
    throw new IllegalStateException("no free port on " + LOOPBACK + " in " + LOWEST + ".." + (END - 1));
  }

  /** Binds {@code port} (0: any) and releases it; the port bound, or -1 when it is taken. */
  private static int bound(int port) {
    try (ServerSocket s = new ServerSocket(port, 1, LOOPBACK)) {
      return s.getLocalPort();
    } catch (IOException e) {
      if (port == 0) {
        throw new UncheckedIOException("cannot bind any port on " + LOOPBACK, e);
      }
      return -1;
    }
  }

  /** The first port of the kernel's ephemeral range, or 0 when it cannot be read. */
  static int ephemeralStart() {
    try {
      // Read by lines: Files.readString returns a truncated text for a /proc file (its size is 0).
      return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
