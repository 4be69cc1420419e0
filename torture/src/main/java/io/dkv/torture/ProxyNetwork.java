package io.dkv.torture;

import io.dkv.rpc.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * The fallback network when namespaces are not allowed: every node listens on 127.0.0.1, and every
 * directed pair of nodes {@code i -> j} has its own proxy on 127.0.0.1 that node {@code i} uses as
 * {@code j}'s address. A proxy knows its link from its port, so each node gets its own view of the
 * members in {@link #membersFlag(int)}: itself at its real address, every peer at the proxy for
 * that pair. Clients connect to the nodes directly and are never faulted.
 *
 * <p>Faults, all enforced by the proxies: a cut closes the pair's connections and resets new ones
 * at once; a one-way drop holds every byte moving in that direction (the connection stays open,
 * the bytes arrive after a heal, as TCP retransmission would deliver them); a delay holds each
 * chunk for the given time, in order. Traffic never leaves the loopback interface.
 *
 * <p>A node's port is free when the network is created and the node binds it later: another
 * program could take it in between, the same small race as {@code dkv dev}.
 */
public final class ProxyNetwork implements Network {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  private final int nodeCount;
  private final int founders;
  private final int[] nodePorts;
  /** The directory voters' Raft ports; Raft traffic goes straight to them, past every proxy. */
  private final int[] raftPorts;
  private final TcpProxy[][] proxies;
  private final LinkTable links;
  private final CleanupLog cleanup = new CleanupLog("proxy network");

  private ProxyNetwork(int nodeCount, int founders) {
    this.nodeCount = nodeCount;
    this.founders = founders;
    this.nodePorts = new int[nodeCount];
    this.raftPorts = new int[NodeIds.voterCount(founders)];
    this.proxies = new TcpProxy[nodeCount][nodeCount];
    this.links = new LinkTable(nodeCount);
    // Node and Raft ports lie below the kernel's ephemeral range (LoopbackPorts), so neither a
    // proxy's port (bind to 0) nor a node's outgoing connection can take one before its node binds.
    for (int j = 0; j < nodeCount; j++) {
      nodePorts[j] = LoopbackPorts.next();
    }
    for (int j = 0; j < raftPorts.length; j++) {
      raftPorts[j] = LoopbackPorts.next();
    }
    try {
      for (int i = 0; i < nodeCount; i++) {
        for (int j = 0; j < nodeCount; j++) {
          if (i != j) {
            proxies[i][j] = startProxy(i, j);
          }
        }
      }
    } catch (IOException e) {
      cleanup.close();
      throw new UncheckedIOException("cannot start the loopback proxies", e);
    }
  }

  /** Reserves ports and starts {@code nodeCount * (nodeCount - 1)} proxies on 127.0.0.1; every node founds the cluster. */
  public static ProxyNetwork create(int nodeCount) {
    return create(nodeCount, nodeCount);
  }

  /** As {@link #create(int)}, with the first {@code founders} nodes founding the cluster and the others joining it. */
  public static ProxyNetwork create(int nodeCount, int founders) {
    Network.requireFounders(nodeCount, founders);
    return new ProxyNetwork(nodeCount, founders);
  }

  private TcpProxy startProxy(int from, int to) throws IOException {
    InetSocketAddress upstream = new InetSocketAddress(LOOPBACK, nodePorts[to]);
    TcpProxy proxy = new TcpProxy(new InetSocketAddress(LOOPBACK, 0),
        peer -> new TcpProxy.Route(from, to, upstream, null), links);
    cleanup.created("proxy " + NodeIds.of(from) + "->" + NodeIds.of(to) + " on " + proxy.address(), proxy::close);
    return proxy;
  }

  @Override
  public int nodeCount() {
    return nodeCount;
  }

  @Override
  public InetSocketAddress listenAddress(int node) {
    NodeIds.requireIndex(node, nodeCount);
    return new InetSocketAddress(LOOPBACK, nodePorts[node]);
  }

  @Override
  public int founderCount() {
    return founders;
  }

  /** Itself at its real address, every peer at the proxy for that pair. */
  @Override
  public InetSocketAddress peerAddress(int from, int to) {
    NodeIds.requireIndex(from, nodeCount);
    NodeIds.requireIndex(to, nodeCount);
    return from == to ? listenAddress(to) : proxies[from][to].address();
  }

  /** Not faulted: only the data path goes through the proxies on this network. */
  @Override
  public String votersFlag() {
    return NodeIds.votersFlag(founders, j -> new InetSocketAddress(LOOPBACK, raftPorts[j]));
  }

  @Override
  public List<String> commandPrefix(int node) {
    NodeIds.requireIndex(node, nodeCount);
    return List.of();
  }

  @Override
  public void dropOneWay(int from, int to) {
    NodeIds.requireLink(from, to, nodeCount);
    links.hold(from, to);
  }

  @Override
  public void cut(int a, int b) {
    NodeIds.requireLink(a, b, nodeCount);
    links.cut(a, b);
    proxies[a][b].closeRelays(a, b);
    proxies[b][a].closeRelays(a, b);
  }

  @Override
  public void delay(int from, int to, long millis) {
    NodeIds.requireLink(from, to, nodeCount);
    links.delay(from, to, millis);
  }

  @Override
  public void heal() {
    links.healAll();
  }

  @Override
  public void close() {
    cleanup.close();
  }
}
