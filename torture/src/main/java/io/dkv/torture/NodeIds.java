package io.dkv.torture;

import java.net.InetSocketAddress;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Node names of the harness: node index {@code i} (0-based, as every API here takes it) is called
 * {@code n<i+1>} in member lists, logs and fault schedules, the same names {@code dkv dev} uses.
 */
public final class NodeIds {
  /** A bound that keeps node addresses inside one /24 of the namespace network. */
  public static final int MAX_NODES = 50;

  private NodeIds() {}

  public static String of(int node) {
    return "n" + (node + 1);
  }

  /** The index of a name like {@code n3}, checked against {@code nodeCount}. */
  public static int parse(String id, int nodeCount) {
    if (id.length() >= 2 && id.charAt(0) == 'n' && id.substring(1).chars().allMatch(Character::isDigit)
        && id.length() <= 4) {
      int node = Integer.parseInt(id.substring(1)) - 1;
      if (node >= 0 && node < nodeCount) {
        return node;
      }
    }
    throw new IllegalArgumentException("bad node id '" + id + "': expected n1 to n" + nodeCount);
  }

  static void requireCount(int nodeCount) {
    if (nodeCount < 1 || nodeCount > MAX_NODES) {
      throw new IllegalArgumentException("node count " + nodeCount + " is out of range: allowed 1 to " + MAX_NODES);
    }
  }

  static void requireIndex(int node, int nodeCount) {
    if (node < 0 || node >= nodeCount) {
      throw new IllegalArgumentException("node index " + node + " is out of range: allowed 0 to " + (nodeCount - 1));
    }
  }

  /** A directed link between two different nodes. */
  static void requireLink(int from, int to, int nodeCount) {
    requireIndex(from, nodeCount);
    requireIndex(to, nodeCount);
    if (from == to) {
      throw new IllegalArgumentException("a link needs two different nodes, got " + of(from) + " twice");
    }
  }

  /** A {@code --members} value: {@code n1@HOST:PORT,n2@HOST:PORT,...} with each node's address. */
  static String membersFlag(int nodeCount, IntFunction<InetSocketAddress> addressOf) {
    return addressList(nodeCount, addressOf);
  }

  /**
   * How many of {@code nodeCount} nodes vote in the directory of a cluster that dkv sets up itself
   * ({@code dkv dev}, the harnesses): 1, or 3 from 3 nodes on. The voters are the first nodes.
   */
  public static int voterCount(int nodeCount) {
    return nodeCount >= 3 ? 3 : 1;
  }

  /** A {@code --voters} value: the first {@link #voterCount} nodes, each at its Raft address. */
  static String votersFlag(int nodeCount, IntFunction<InetSocketAddress> raftAddressOf) {
    return addressList(voterCount(nodeCount), raftAddressOf);
  }

  private static String addressList(int count, IntFunction<InetSocketAddress> addressOf) {
    return IntStream.range(0, count).mapToObj(j -> {
      InetSocketAddress a = addressOf.apply(j);
      return of(j) + "@" + a.getAddress().getHostAddress() + ":" + a.getPort();
    }).collect(Collectors.joining(","));
  }
}
