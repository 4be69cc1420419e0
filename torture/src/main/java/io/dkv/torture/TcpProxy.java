package io.dkv.torture;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP proxy in front of one or more nodes: it accepts a connection, asks its {@link Router}
 * which directed link the connection is (from which node, to which node, where to connect and
 * from which local address), and relays it under the faults of the shared {@link LinkTable}.
 * A connection on a cut link is reset at once; {@link #closeRelays} drops the established ones.
 * Threads: one virtual acceptor thread, one virtual thread per connection set-up, four per relay.
 */
final class TcpProxy implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TcpProxy.class);
  private static final int UPSTREAM_CONNECT_TIMEOUT_MILLIS = 5_000;

  /**
   * Where an accepted connection goes.
   *
   * @param bindAddress local address for the upstream connection, or null to let the kernel pick
   */
  record Route(int from, int to, InetSocketAddress upstream, InetAddress bindAddress) {}

  /** Picks the route of a connection by its peer's address. Called on a connection's own thread. */
  interface Router {
    Route route(InetSocketAddress peer);
  }

  private final ServerSocket server;
  private final Router router;
  private final LinkTable links;
  private final Set<Relay> relays = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  TcpProxy(InetSocketAddress listen, Router router, LinkTable links) throws IOException {
    this.router = router;
    this.links = links;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(listen, 128);
    Thread.ofVirtual().name("dkv-proxy-accept-" + address()).start(this::acceptLoop);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.getLocalSocketAddress();
  }

  private void acceptLoop() {
    while (!closed) {
      try {
        Socket accepted = server.accept();
        Thread.ofVirtual().name("dkv-proxy-connect").start(() -> open(accepted));
      } catch (IOException e) {
        if (!closed) {
          log.warn("proxy {} stops accepting", address(), e);
        }
        return;
      }
    }
  }

  private void open(Socket accepted) {
    Route route = router.route((InetSocketAddress) accepted.getRemoteSocketAddress());
    if (links.isCut(route.from(), route.to())) {
      reset(accepted);
      return;
    }
    Socket upstream = new Socket();
    try {
      accepted.setTcpNoDelay(true);
      upstream.setTcpNoDelay(true);
      if (route.bindAddress() != null) {
        upstream.bind(new InetSocketAddress(route.bindAddress(), 0));
      }
      upstream.connect(route.upstream(), UPSTREAM_CONNECT_TIMEOUT_MILLIS);
    } catch (IOException e) {
      // The node is down or unreachable: the connecting side sees its connection end, as it would
      // see a refused or timed-out connection without the proxy.
      Relay.closeQuietly(upstream);
      reset(accepted);
      return;
    }
    Relay relay = new Relay(accepted, upstream, route.from(), route.to(), links, relays::remove);
    relays.add(relay);
    // A cut or a close that came while connecting did not see this relay; check again after listing it.
    if (closed || links.isCut(route.from(), route.to())) {
      relay.close();
      return;
    }
    try {
      relay.start();
    } catch (IOException e) {
      relay.close();
    }
  }

  /** Closes every established connection between nodes {@code a} and {@code b}, either way. */
  void closeRelays(int a, int b) {
    for (Relay r : relays) {
      if ((r.from == a && r.to == b) || (r.from == b && r.to == a)) {
        r.close();
      }
    }
  }

  private static void reset(Socket socket) {
    try {
      socket.setSoLinger(true, 0); // close with RST, as a refused connection would
    } catch (SocketException e) {
      // Already broken; closing below is all that is left to do.
    }
    Relay.closeQuietly(socket);
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException e) {
      log.debug("closing proxy {}", address(), e);
    }
    relays.forEach(Relay::close);
  }
}
