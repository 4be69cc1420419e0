package io.dkv.torture;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Each node in its own network namespace, joined by veths to a bridge in a hub namespace, with a
 * veth from the root namespace into the bridge for the test's clients and proxies. Needs root, the
 * {@code ip} tool and nftables (installed on demand).
 *
 * <pre>
 *   root namespace (test process)            hub namespace            node namespaces
 *   dkvt&lt;R&gt;r  10.213.R.1/24  ─────── root ─┐                        dkvt&lt;R&gt;-n1: eth0 10.213.R.11/24
 *            + 10.213.R.101.. /32 (ghosts)  ├─ br0 ─ dkvt&lt;R&gt;h1 ─────  (nft table inet dkv_faults)
 *   TcpProxy on every ghost, port 7000       └────── dkvt&lt;R&gt;h2 ─────  dkvt&lt;R&gt;-n2: eth0 10.213.R.12/24
 * </pre>
 *
 * <p>R, the run id, is a /24 of 10.213.0.0/16 that no route of the machine overlaps, claimed by
 * creating the hub namespace {@code dkvt<R>-hub} (an atomic claim against a concurrent run). No
 * namespace gets a default route, and the root namespace only gains the connected route of that
 * /24, so nothing sent from a node can leave the machine.
 *
 * <p>Node-to-node traffic goes through a proxy so that it can be delayed: node j listens on
 * {@code 10.213.R.(11+j):7000}, every node knows it as its ghost {@code 10.213.R.(101+j):7000},
 * an address of the root veth where the proxy for j listens. The proxy connects on from the
 * sender's ghost address, so the receiving node sees a source address that names the sender.
 * Drops are nftables rules in the receiver's input chain matching the sender's real and ghost
 * address; they drop packets, so connections time out as in a real partition, and both legs of a
 * proxied connection are covered (a node only ever receives a sender's traffic from those two
 * addresses). Clients use the real node address from 10.213.R.1 and are never dropped.
 */
public final class NamespaceNetwork implements Network {
  public static final int NODE_PORT = 7000;
  /**
   * A voter's directory (Raft) port, on its real address: Raft traffic is not proxied, so it is
   * never delayed, but the drop rules (which match the sender's real address) cut it like the rest.
   */
  public static final int RAFT_PORT = 7001;
  private static final String RANGE_PREFIX = "10.213.";
  private static final String TABLE = "inet dkv_faults";
  private static final String HUB_BRIDGE = "br0";
  private static final String NODE_DEVICE = "eth0";

  private final int nodeCount;
  private final int founders;
  private final CleanupLog cleanup = new CleanupLog("namespace network");
  private final LinkTable links;
  // Invariant: dropped[from][to] is true exactly when node to's nft chain drops what from sends.
  private final boolean[][] dropped;
  private final int run;

  private NamespaceNetwork(int nodeCount, int founders) {
    this.nodeCount = nodeCount;
    this.founders = founders;
    this.links = new LinkTable(nodeCount);
    this.dropped = new boolean[nodeCount][nodeCount];
    try {
      this.run = claimRunRange();
      buildHub();
      for (int i = 0; i < nodeCount; i++) {
        buildNode(i);
      }
      for (int j = 0; j < nodeCount; j++) {
        startProxy(j);
      }
    } catch (IOException e) {
      cleanup.close();
      throw new UncheckedIOException("cannot start the node proxies", e);
    } catch (RuntimeException e) {
      cleanup.close();
      throw e;
    }
  }

  /** Builds the namespaces for {@code nodeCount} nodes, all founders; installs nftables first when it is missing. */
  public static NamespaceNetwork create(int nodeCount) {
    return create(nodeCount, nodeCount);
  }

  /** Builds the namespaces for {@code nodeCount} nodes, the first {@code founders} of which found the cluster. */
  public static NamespaceNetwork create(int nodeCount, int founders) {
    Network.requireFounders(nodeCount, founders);
    Host.namespaceUnavailableReason().ifPresent(reason -> {
      throw new IllegalStateException("cannot create network namespaces: " + reason);
    });
    Host.ensureInstalled("nft", "nftables");
    return new NamespaceNetwork(nodeCount, founders);
  }

  /** The run id: the third octet of this network's 10.213.R.0/24, also part of every name. */
  public int runId() {
    return run;
  }

  public String hubNamespace() {
    return "dkvt" + run + "-hub";
  }

  public String rootVeth() {
    return "dkvt" + run + "r";
  }

  public String namespace(int node) {
    NodeIds.requireIndex(node, nodeCount);
    return "dkvt" + run + "-" + NodeIds.of(node);
  }

  private int claimRunRange() {
    List<Subnet> routes = Subnet.routeDestinations(Shell.run("ip", "-4", "route", "show", "table", "all"));
    int start = ThreadLocalRandom.current().nextInt(256);
    for (int k = 0; k < 256; k++) {
      int candidate = (start + k) % 256;
      Subnet range = Subnet.parse(RANGE_PREFIX + candidate + ".0/24");
      String hub = "dkvt" + candidate + "-hub";
      if (routes.stream().anyMatch(range::overlaps) || Files.exists(Path.of("/run/netns", hub))) {
        continue;
      }
      try {
        Shell.run("ip", "netns", "add", hub);
      } catch (Shell.CommandFailedException e) {
        if (Files.exists(Path.of("/run/netns", hub))) {
          continue; // a concurrent run claimed it first
        }
        throw e;
      }
      cleanup.created("namespace " + hub + " (range " + range + ")", () -> Shell.run("ip", "netns", "del", hub));
      return candidate;
    }
    throw new IllegalStateException("no free /24 in " + RANGE_PREFIX + "0.0/16: every one overlaps a route "
        + "of this machine or belongs to another run");
  }

  private void buildHub() {
    String hub = hubNamespace();
    Shell.run("ip", "-n", hub, "link", "set", "lo", "up");
    Shell.run("ip", "-n", hub, "link", "add", HUB_BRIDGE, "type", "bridge");
    Shell.run("ip", "-n", hub, "link", "set", HUB_BRIDGE, "up");
    String veth = rootVeth();
    Shell.run("ip", "link", "add", veth, "type", "veth", "peer", "name", "root", "netns", hub);
    cleanup.created("veth " + veth, () -> Shell.run("ip", "link", "del", veth));
    Shell.run("ip", "-n", hub, "link", "set", "root", "master", HUB_BRIDGE, "up");
    Shell.run("ip", "addr", "add", address(1) + "/24", "dev", veth);
    for (int i = 0; i < nodeCount; i++) {
      Shell.run("ip", "addr", "add", ghostAddress(i) + "/32", "dev", veth);
    }
    Shell.run("ip", "link", "set", veth, "up");
  }

  private void buildNode(int i) {
    String ns = namespace(i);
    Shell.run("ip", "netns", "add", ns);
    cleanup.created("namespace " + ns, () -> Shell.run("ip", "netns", "del", ns));
    String hubSide = "dkvt" + run + "h" + (i + 1);
    Shell.run("ip", "-n", hubNamespace(), "link", "add", hubSide, "type", "veth", "peer", "name", NODE_DEVICE,
        "netns", ns);
    Shell.run("ip", "-n", hubNamespace(), "link", "set", hubSide, "master", HUB_BRIDGE, "up");
    Shell.run("ip", "-n", ns, "link", "set", "lo", "up");
    Shell.run("ip", "-n", ns, "addr", "add", nodeAddress(i) + "/24", "dev", NODE_DEVICE);
    Shell.run("ip", "-n", ns, "link", "set", NODE_DEVICE, "up");
    nft(ns, "add table " + TABLE + "\n"
        + "add chain " + TABLE + " input { type filter hook input priority 0; policy accept; }\n");
    cleanup.created("nft table " + TABLE + " in " + ns, () -> nft(ns, "delete table " + TABLE + "\n"));
  }

  private void startProxy(int to) throws IOException {
    InetSocketAddress upstream = new InetSocketAddress(inet(nodeAddress(to)), NODE_PORT);
    TcpProxy proxy = new TcpProxy(new InetSocketAddress(inet(ghostAddress(to)), NODE_PORT), peer -> {
      int from = nodeWithAddress(peer.getAddress());
      InetAddress bind = from == LinkTable.CLIENT ? null : inet(ghostAddress(from));
      return new TcpProxy.Route(from, to, upstream, bind);
    }, links);
    cleanup.created("proxy for " + NodeIds.of(to) + " on " + proxy.address(), proxy::close);
  }

  private int nodeWithAddress(InetAddress address) {
    for (int i = 0; i < nodeCount; i++) {
      if (address.getHostAddress().equals(nodeAddress(i))) {
        return i;
      }
    }
    return LinkTable.CLIENT;
  }

  @Override
  public int nodeCount() {
    return nodeCount;
  }

  @Override
  public int founderCount() {
    return founders;
  }

  @Override
  public InetSocketAddress listenAddress(int node) {
    NodeIds.requireIndex(node, nodeCount);
    return new InetSocketAddress(inet(nodeAddress(node)), NODE_PORT);
  }

  /**
   * The same for every node: the peer's ghost address, where its proxy listens. A node that joins
   * gives the directory its own {@code --listen} address (dkv has no separate address to announce),
   * so the others reach a joined node directly: its links are cut and dropped like any other, but
   * a delay holds only what it sends.
   */
  @Override
  public InetSocketAddress peerAddress(int from, int to) {
    NodeIds.requireIndex(from, nodeCount);
    NodeIds.requireIndex(to, nodeCount);
    return new InetSocketAddress(inet(ghostAddress(to)), NODE_PORT);
  }

  @Override
  public String votersFlag() {
    return NodeIds.votersFlag(founders, j -> new InetSocketAddress(inet(nodeAddress(j)), RAFT_PORT));
  }

  @Override
  public List<String> commandPrefix(int node) {
    return List.of("ip", "netns", "exec", namespace(node));
  }

  @Override
  public synchronized void dropOneWay(int from, int to) {
    NodeIds.requireLink(from, to, nodeCount);
    dropped[from][to] = true;
    applyDrops(to);
  }

  @Override
  public synchronized void cut(int a, int b) {
    NodeIds.requireLink(a, b, nodeCount);
    dropped[a][b] = true;
    dropped[b][a] = true;
    applyDrops(a);
    applyDrops(b);
  }

  @Override
  public void delay(int from, int to, long millis) {
    NodeIds.requireLink(from, to, nodeCount);
    links.delay(from, to, millis);
  }

  @Override
  public synchronized void heal() {
    for (int to = 0; to < nodeCount; to++) {
      boolean hadDrops = false;
      for (int from = 0; from < nodeCount; from++) {
        hadDrops |= dropped[from][to];
        dropped[from][to] = false;
      }
      if (hadDrops) {
        applyDrops(to);
      }
    }
    links.healAll();
  }

  @Override
  public void close() {
    cleanup.close();
  }

  /** Rewrites node {@code to}'s input chain from {@link #dropped} in one nft transaction. */
  private void applyDrops(int to) {
    List<String> sources = new ArrayList<>();
    for (int from = 0; from < nodeCount; from++) {
      if (dropped[from][to]) {
        sources.add(nodeAddress(from));
        sources.add(ghostAddress(from));
      }
    }
    String script = "flush chain " + TABLE + " input\n";
    if (!sources.isEmpty()) {
      script += "add rule " + TABLE + " input ip saddr { " + String.join(", ", sources) + " } counter drop\n";
    }
    nft(namespace(to), script);
  }

  private static void nft(String namespace, String script) {
    Shell.runWithInput(List.of("ip", "netns", "exec", namespace, "nft", "-f", "-"), script);
  }

  private String address(int host) {
    return RANGE_PREFIX + run + "." + host;
  }

  String nodeAddress(int node) {
    return address(11 + node);
  }

  String ghostAddress(int node) {
    return address(101 + node);
  }

  private static InetAddress inet(String literal) {
    try {
      return InetAddress.getByName(literal); // an IP literal: no name lookup happens
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + literal, e);
    }
  }
}
