package io.dkv.core.placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which nodes hold which partitions, at one epoch. Immutable and thread-safe; built by
 * {@link Placement} or, when read back from the directory or the wire, by {@link #of}.
 *
 * <p>Invariants, checked on construction:
 * <ul>
 *   <li>{@code members} is sorted and free of duplicates;
 *   <li>with members, every partition has between 1 and {@link #replicasPerPartition()} =
 *       min(replicationFactor, members) distinct replicas, all of them members; with none, every
 *       partition has none. A list is short while its partition waits for a replacement (a
 *       replica was evicted and the others hold the data alone), and a member may hold no
 *       partition (it joined and has not caught up). The order matters (slot 0 first) and
 *       {@link Placement} keeps it stable;
 *   <li>{@code 0 <= partitionEpoch(p) <= epoch}: the epoch at which the replica list of {@code p}
 *       last changed, so that a change of one partition need not fence the others.
 * </ul>
 */
public final class PartitionMap {
  private final long epoch;
  private final int replicationFactor;
  private final List<String> members;
  private final List<List<String>> replicas;
  private final long[] partitionEpochs;
  private final Map<String, List<Integer>> partitionsByNode;

  private PartitionMap(long epoch, int replicationFactor, List<String> members,
                       List<List<String>> replicas, long[] partitionEpochs) {
    this.epoch = epoch;
    this.replicationFactor = replicationFactor;
    this.members = members;
    this.replicas = replicas;
    this.partitionEpochs = partitionEpochs;
    this.partitionsByNode = indexByNode(members, replicas);
  }

  /**
   * A map from its parts; throws {@link IllegalArgumentException} naming the first broken
   * invariant (see the class comment).
   */
  public static PartitionMap of(long epoch, int replicationFactor, List<String> members,
                                List<List<String>> replicas, long[] partitionEpochs) {
    if (epoch < 0) {
      throw new IllegalArgumentException("epoch must be >= 0, got " + epoch);
    }
    if (replicationFactor < 1) {
      throw new IllegalArgumentException("replicationFactor must be >= 1, got " + replicationFactor);
    }
    List<String> m = List.copyOf(members);
    for (int i = 1; i < m.size(); i++) {
      if (m.get(i - 1).compareTo(m.get(i)) >= 0) {
        throw new IllegalArgumentException("members must be sorted and distinct: " + m);
      }
    }
    if (replicas.isEmpty()) {
      throw new IllegalArgumentException("a map needs at least one partition");
    }
    if (partitionEpochs.length != replicas.size()) {
      throw new IllegalArgumentException(partitionEpochs.length + " partition epochs for "
          + replicas.size() + " partitions");
    }
    int most = Math.min(replicationFactor, m.size());
    int least = Math.min(1, most);
    String needed = most == 0 ? "none, as the map has no members"
        : most == 1 ? "1 member of " + m : "1 to " + most + " distinct members of " + m;
    Set<String> memberSet = new HashSet<>(m);
    List<List<String>> r = new ArrayList<>(replicas.size());
    for (int p = 0; p < replicas.size(); p++) {
      List<String> set = List.copyOf(replicas.get(p));
      if (set.size() < least || set.size() > most || new HashSet<>(set).size() != set.size()
          || !memberSet.containsAll(set)) {
        throw new IllegalArgumentException("partition " + p + " has replicas " + set + "; it needs "
            + needed);
      }
      if (partitionEpochs[p] < 0 || partitionEpochs[p] > epoch) {
        throw new IllegalArgumentException("partition " + p + " has epoch " + partitionEpochs[p]
            + "; it must be in [0, " + epoch + "]");
      }
      r.add(set);
    }
    return new PartitionMap(epoch, replicationFactor, m, Collections.unmodifiableList(r),
        partitionEpochs.clone());
  }

  /** The map of a cluster that has no members yet: epoch 0, every partition without replicas. */
  public static PartitionMap empty(int partitionCount, int replicationFactor) {
    if (partitionCount < 1) {
      throw new IllegalArgumentException("partitionCount must be >= 1, got " + partitionCount);
    }
    return of(0, replicationFactor, List.of(), Collections.nCopies(partitionCount, List.of()),
        new long[partitionCount]);
  }

  /** The configuration epoch of the whole map; every change of membership raises it. */
  public long epoch() {
    return epoch;
  }

  /** Q: the number of partitions, fixed for the life of a cluster. */
  public int partitionCount() {
    return replicas.size();
  }

  /** The configured replication factor; partitions have fewer replicas while members are fewer. */
  public int replicationFactor() {
    return replicationFactor;
  }

  /**
   * The target number of replicas of every partition, min(replicationFactor, members), and the
   * most a partition may have. A partition may have fewer while a replacement catches up (see the
   * class comment); {@link Placement} always fills it.
   */
  public int replicasPerPartition() {
    return Math.min(replicationFactor, members.size());
  }

  /** The node ids of the members, sorted. */
  public List<String> members() {
    return members;
  }

  /** The ordered replica set of {@code partition}. */
  public List<String> replicas(int partition) {
    return replicas.get(Objects.checkIndex(partition, replicas.size()));
  }

  /** The epoch at which the replica list of {@code partition} last changed. */
  public long partitionEpoch(int partition) {
    return partitionEpochs[Objects.checkIndex(partition, replicas.size())];
  }

  /** The partitions that {@code node} replicates, ascending; empty for a non-member. */
  public List<Integer> partitionsOf(String node) {
    return partitionsByNode.getOrDefault(node, List.of());
  }

  /** How many replica slots each member holds, by node id in sorted order. */
  public Map<String, Integer> replicaCounts() {
    Map<String, Integer> counts = new TreeMap<>();
    for (String node : members) {
      counts.put(node, partitionsOf(node).size());
    }
    return Collections.unmodifiableMap(counts);
  }

  private static Map<String, List<Integer>> indexByNode(List<String> members,
                                                        List<List<String>> replicas) {
    Map<String, List<Integer>> byNode = new HashMap<>();
    for (String node : members) {
      byNode.put(node, new ArrayList<>());
    }
    for (int p = 0; p < replicas.size(); p++) {
      for (String node : replicas.get(p)) {
        byNode.get(node).add(p);
      }
    }
    byNode.replaceAll((node, list) -> Collections.unmodifiableList(list));
    return byNode;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PartitionMap other && epoch == other.epoch
        && replicationFactor == other.replicationFactor && members.equals(other.members)
        && replicas.equals(other.replicas) && Arrays.equals(partitionEpochs, other.partitionEpochs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(epoch, replicationFactor, members, replicas)
        * 31 + Arrays.hashCode(partitionEpochs);
  }

  /** A summary for logs; the full assignment is too long to print. */
  @Override
  public String toString() {
    return "PartitionMap{epoch=" + epoch + ", partitions=" + replicas.size() + ", replicationFactor="
        + replicationFactor + ", members=" + members + "}";
  }
}
