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
 *   <li>a partition may also have a {@linkplain ReplicaSet#move() learner} and {@linkplain
 *       ReplicaSet#leaving() leaving} nodes, all members and distinct from its replicas and each
 *       other; a learner replaces one of the replicas, or fills a free place in a short list;
 *   <li>{@code 0 <= partitionEpoch(p) <= epoch}: the epoch at which the {@linkplain ReplicaSet
 *       nodes and roles} of {@code p} last changed, so that a change of one partition need not
 *       fence the others; a move started at or before it.
 * </ul>
 */
public final class PartitionMap {
  private final long epoch;
  private final int replicationFactor;
  private final List<String> members;
  private final List<ReplicaSet> sets;
  private final long[] partitionEpochs;
  private final Map<String, List<Integer>> partitionsByNode;

  private PartitionMap(long epoch, int replicationFactor, List<String> members,
                       List<ReplicaSet> sets, long[] partitionEpochs) {
    this.epoch = epoch;
    this.replicationFactor = replicationFactor;
    this.members = members;
    this.sets = sets;
    this.partitionEpochs = partitionEpochs;
    this.partitionsByNode = indexByNode(members, sets);
  }

  /** A map whose partitions have replicas only (no learner, nobody leaving); see {@link #withSets}. */
  public static PartitionMap of(long epoch, int replicationFactor, List<String> members,
                                List<List<String>> replicas, long[] partitionEpochs) {
    return withSets(epoch, replicationFactor, members,
        replicas.stream().map(ReplicaSet::of).toList(), partitionEpochs);
  }

  /**
   * A map from its parts; throws {@link IllegalArgumentException} naming the first broken
   * invariant (see the class comment).
   */
  public static PartitionMap withSets(long epoch, int replicationFactor, List<String> members,
                                      List<ReplicaSet> sets, long[] partitionEpochs) {
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
    if (sets.isEmpty()) {
      throw new IllegalArgumentException("a map needs at least one partition");
    }
    if (partitionEpochs.length != sets.size()) {
      throw new IllegalArgumentException(partitionEpochs.length + " partition epochs for "
          + sets.size() + " partitions");
    }
    int most = Math.min(replicationFactor, m.size());
    int least = Math.min(1, most);
    String needed = most == 0 ? "none, as the map has no members"
        : most == 1 ? "1 member of " + m : "1 to " + most + " distinct members of " + m;
    Set<String> memberSet = new HashSet<>(m);
    for (int p = 0; p < sets.size(); p++) {
      ReplicaSet set = sets.get(p);
      List<String> replicas = set.replicas();
      if (replicas.size() < least || replicas.size() > most
          || new HashSet<>(replicas).size() != replicas.size() || !memberSet.containsAll(replicas)) {
        throw new IllegalArgumentException("partition " + p + " has replicas " + replicas
            + "; it needs " + needed);
      }
      if (partitionEpochs[p] < 0 || partitionEpochs[p] > epoch) {
        throw new IllegalArgumentException("partition " + p + " has epoch " + partitionEpochs[p]
            + "; it must be in [0, " + epoch + "]");
      }
      String problem = checkRoles(set, memberSet, most, partitionEpochs[p]);
      if (problem != null) {
        throw new IllegalArgumentException("partition " + p + " (" + set + "): " + problem);
      }
    }
    return new PartitionMap(epoch, replicationFactor, m, List.copyOf(sets), partitionEpochs.clone());
  }

  /** What is wrong with a partition's learner and leaving nodes, or null. */
  private static String checkRoles(ReplicaSet set, Set<String> members, int most,
                                   long partitionEpoch) {
    List<String> participants = set.participants();
    if (new HashSet<>(participants).size() != participants.size()) {
      return "a node may have one role in a partition";
    }
    if (!members.containsAll(participants)) {
      return "every learner and leaving node must be a member of " + members;
    }
    PartitionMove move = set.move();
    if (move == null) {
      return null;
    }
    if (move.from() != null && !set.replicas().contains(move.from())) {
      return "the learner replaces " + move.from() + ", which is not a replica";
    }
    if (move.from() == null && set.replicas().size() >= most) {
      return "the learner has no place: the list is full (" + most + " replicas)";
    }
    return move.since() <= partitionEpoch ? null
        : "the move started at epoch " + move.since() + ", after the partition's epoch";
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
    return sets.size();
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

  /** The ordered replicas of {@code partition}: the nodes that serve its reads. */
  public List<String> replicas(int partition) {
    return set(partition).replicas();
  }

  /** The nodes of {@code partition} with their roles. */
  public ReplicaSet set(int partition) {
    return sets.get(Objects.checkIndex(partition, sets.size()));
  }

  /** Every partition's nodes and roles, in partition order. */
  public List<ReplicaSet> sets() {
    return sets;
  }

  /** Everyone a write of {@code partition} must reach: its replicas, learner and leaving nodes. */
  public List<String> participants(int partition) {
    return set(partition).participants();
  }

  /** The epoch at which the nodes or roles of {@code partition} last changed. */
  public long partitionEpoch(int partition) {
    return partitionEpochs[Objects.checkIndex(partition, sets.size())];
  }

  /** The partitions with a move in progress, ascending. */
  public List<Integer> moving() {
    List<Integer> out = new ArrayList<>();
    for (int p = 0; p < sets.size(); p++) {
      if (sets.get(p).move() != null) {
        out.add(p);
      }
    }
    return out;
  }

  /** Whether {@code node} has any role (replica, learner, leaving) in any partition. */
  public boolean involves(String node) {
    return sets.stream().anyMatch(set -> set.involves(node));
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
                                                        List<ReplicaSet> sets) {
    Map<String, List<Integer>> byNode = new HashMap<>();
    for (String node : members) {
      byNode.put(node, new ArrayList<>());
    }
    for (int p = 0; p < sets.size(); p++) {
      for (String node : sets.get(p).replicas()) {
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
        && sets.equals(other.sets) && Arrays.equals(partitionEpochs, other.partitionEpochs);
  }

  @Override
  public int hashCode() {
    return Objects.hash(epoch, replicationFactor, members, sets)
        * 31 + Arrays.hashCode(partitionEpochs);
  }

  /** A summary for logs; the full assignment is too long to print. */
  @Override
  public String toString() {
    return "PartitionMap{epoch=" + epoch + ", partitions=" + sets.size() + ", replicationFactor="
        + replicationFactor + ", members=" + members + ", moving=" + moving().size() + "}";
  }
}
