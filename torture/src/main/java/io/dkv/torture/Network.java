package io.dkv.torture;

import java.net.InetSocketAddress;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The network between the nodes of one test cluster, with faults that can be switched on and off.
 * Nodes are indexes {@code 0..nodeCount()-1}, named {@link NodeIds#of(int)}. The first
 * {@link #founderCount()} found the cluster; the others are slots for nodes that join it later,
 * with their addresses and links ready from the start.
 *
 * <p>Faults act on node-to-node traffic only: a test's own clients always reach every node that
 * runs, so a checker can observe how each side of a partition behaves. Faults accumulate until
 * {@link #heal()}, which removes all of them.
 *
 * <p>Contract for every method: may block while it runs host commands (at most a few seconds),
 * throws {@link IllegalArgumentException} for a node index out of range, and is safe to call from
 * any thread, though faults should be changed from one thread so their order is the intended one.
 * {@link #close()} removes everything the network created and may be called more than once.
 */
public interface Network extends AutoCloseable {

  int nodeCount();

  /** The nodes that found the cluster: the first ones, named by {@link #membersFlag} and {@link #votersFlag}. */
  int founderCount();

  /** The address node {@code node} listens on: its {@code --listen HOST:PORT}. */
  InetSocketAddress listenAddress(int node);

  /**
   * The address node {@code from} dials to reach node {@code to}: what its {@code --members} and
   * {@code --join} name. Depending on the implementation, nodes get the same address for a peer or
   * each its own.
   */
  InetSocketAddress peerAddress(int from, int to);

  /**
   * The {@code --members ID@HOST:PORT,...} value for node {@code node}: how that node reaches every
   * founder, itself included ({@link #peerAddress}).
   */
  default String membersFlag(int node) {
    NodeIds.requireIndex(node, nodeCount());
    return NodeIds.membersFlag(founderCount(), j -> peerAddress(node, j));
  }

  /**
   * The {@code --voters} value, the same for every node: the directory's voters with their Raft
   * addresses ({@link NodeIds#voterCount} of the founders).
   */
  String votersFlag();

  /**
   * Where a client in this (the test's) process connects to reach node {@code node}: straight to
   * the node, past every proxy and drop rule.
   */
  default InetSocketAddress clientAddress(int node) {
    return listenAddress(node);
  }

  /** The words to put before a node's command so it runs inside that node's network. */
  List<String> commandPrefix(int node);

  /** Drops everything {@code from} sends to {@code to}; the other direction still flows. */
  void dropOneWay(int from, int to);

  /** Drops all traffic between {@code a} and {@code b}, both ways. */
  void cut(int a, int b);

  /** Holds every byte moving from {@code from} to {@code to} for {@code millis} (0 removes it). */
  void delay(int from, int to, long millis);

  /** Removes every drop, cut and delay. */
  void heal();

  @Override
  void close();

  /** Cuts {@code node} off from every other node. */
  default void isolate(int node) {
    partition(List.of(Set.of(node), otherNodes(Set.of(node))));
  }

  /**
   * Splits the nodes into groups that cannot reach each other; nodes within a group still can.
   * Every node must be in exactly one group, e.g. {@code [{0,1},{2,3,4}]} for a minority/majority
   * split of five nodes.
   */
  default void partition(List<Set<Integer>> groups) {
    Set<Integer> seen = new HashSet<>();
    for (Set<Integer> g : groups) {
      for (int node : g) {
        NodeIds.requireIndex(node, nodeCount());
        if (!seen.add(node)) {
          throw new IllegalArgumentException("node " + NodeIds.of(node) + " is in two groups of " + groups
              + "; every node must be in exactly one group");
        }
      }
    }
    if (seen.size() != nodeCount()) {
      throw new IllegalArgumentException("groups " + groups + " leave out " + otherNodes(seen)
          + "; every node must be in exactly one group");
    }
    for (int i = 0; i < groups.size(); i++) {
      for (int j = i + 1; j < groups.size(); j++) {
        for (int a : groups.get(i)) {
          for (int b : groups.get(j)) {
            cut(a, b);
          }
        }
      }
    }
  }

  private Set<Integer> otherNodes(Set<Integer> nodes) {
    Set<Integer> others = new HashSet<>();
    for (int n = 0; n < nodeCount(); n++) {
      if (!nodes.contains(n)) {
        others.add(n);
      }
    }
    return others;
  }

  /**
   * Picks the strongest network this machine allows: {@link NamespaceNetwork} as root, else
   * {@link ProxyNetwork}; {@code founders} of the {@code nodeCount} nodes found the cluster.
   */
  static Network create(int nodeCount, int founders) {
    Optional<String> unavailable = Host.namespaceUnavailableReason();
    if (unavailable.isEmpty()) {
      return NamespaceNetwork.create(nodeCount, founders);
    }
    LoggerFactory.getLogger(Network.class).info("no network namespaces ({}): using loopback proxies",
        unavailable.get());
    return ProxyNetwork.create(nodeCount, founders);
  }

  /** Checks a founder count against the node count. */
  static void requireFounders(int nodeCount, int founders) {
    NodeIds.requireCount(nodeCount);
    if (founders < 1 || founders > nodeCount) {
      throw new IllegalArgumentException("founders must be 1 to " + nodeCount + " of the " + nodeCount
          + " nodes, got " + founders);
    }
  }
}
