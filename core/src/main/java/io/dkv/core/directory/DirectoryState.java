package io.dkv.core.directory;

import io.dkv.core.placement.PartitionMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The directory: membership, the partition map and the namespaces, at one epoch. Immutable and
 * thread-safe. {@link #apply} is the only way it changes, and it is a pure function, so replicas
 * that apply the same commands in the same order hold equal states.
 *
 * <p>Invariants, checked by {@link #of}:
 * <ul>
 *   <li>{@code epoch >= 0}; every accepted command raises it by one;
 *   <li>{@code 0 <= map.epoch() <= epoch}: the map's epoch and each partition's epoch are the
 *       directory epochs at which they last changed, so one counter orders every change;
 *   <li>the map's members are exactly the members in a state that {@linkplain
 *       NodeState#holdsReplicas() holds replicas} (every state but removed), though a member of
 *       the map may be in no replica list;
 *   <li>the {@code default} namespace exists.
 * </ul>
 */
public final class DirectoryState {
  private final long epoch;
  private final SortedMap<String, Member> members;
  private final PartitionMap map;
  private final SortedMap<String, Namespace> namespaces;

  private DirectoryState(long epoch, SortedMap<String, Member> members, PartitionMap map,
                         SortedMap<String, Namespace> namespaces) {
    this.epoch = epoch;
    this.members = Collections.unmodifiableSortedMap(members);
    this.map = map;
    this.namespaces = Collections.unmodifiableSortedMap(namespaces);
  }

  /**
   * A new cluster's directory: epoch 0, no members, an empty map of {@code partitionCount}
   * partitions and the {@code default} namespace (strong, N = W = replicationFactor, R = 1).
   */
  public static DirectoryState initial(int partitionCount, int replicationFactor) {
    PartitionMap empty = PartitionMap.empty(partitionCount, replicationFactor);
    SortedMap<String, Namespace> namespaces = new TreeMap<>();
    namespaces.put(Namespace.DEFAULT, Namespace.defaultFor(replicationFactor));
    return new DirectoryState(0, new TreeMap<>(), empty, namespaces);
  }

  /**
   * A state from its parts, as read back from a snapshot; throws {@link IllegalArgumentException}
   * naming the first broken invariant (see the class comment) or duplicate.
   */
  public static DirectoryState of(long epoch, Collection<Member> members, PartitionMap map,
                                  Collection<Namespace> namespaces) {
    if (epoch < 0 || map.epoch() > epoch) {
      throw new IllegalArgumentException("epochs must satisfy 0 <= map epoch (" + map.epoch()
          + ") <= directory epoch (" + epoch + ")");
    }
    SortedMap<String, Member> byId = new TreeMap<>();
    for (Member m : members) {
      if (byId.put(m.nodeId(), m) != null) {
        throw new IllegalArgumentException("member '" + m.nodeId() + "' appears twice");
      }
    }
    SortedMap<String, Namespace> byName = new TreeMap<>();
    for (Namespace ns : namespaces) {
      if (byName.put(ns.name(), ns) != null) {
        throw new IllegalArgumentException("namespace '" + ns.name() + "' appears twice");
      }
    }
    if (!byName.containsKey(Namespace.DEFAULT)) {
      throw new IllegalArgumentException("the namespace '" + Namespace.DEFAULT + "' is missing");
    }
    List<String> holders = replicaHolders(byId);
    if (!holders.equals(map.members())) {
      throw new IllegalArgumentException("the map's members " + map.members()
          + " must be the members that are not removed " + holders);
    }
    return new DirectoryState(epoch, byId, map, byName);
  }

  /** Applies {@code command}: the next state and the result, or this state and the reason. */
  public Transition apply(DirectoryCommand command) {
    return CommandRules.apply(this, Objects.requireNonNull(command, "command"));
  }

  /** The outcome of {@link #apply}. On rejection {@code state} is the unchanged state. */
  public record Transition(DirectoryState state, CommandResult result) {}

  /** The epoch of the last accepted command; 0 for a new cluster. */
  public long epoch() {
    return epoch;
  }

  /** The partition map; its members are the members that are not removed. */
  public PartitionMap map() {
    return map;
  }

  /** Every member the directory knows, removed ones included, sorted by node id. */
  public List<Member> members() {
    return List.copyOf(members.values());
  }

  public Optional<Member> member(String nodeId) {
    return Optional.ofNullable(members.get(nodeId));
  }

  /** The namespaces, sorted by name. */
  public List<Namespace> namespaces() {
    return List.copyOf(namespaces.values());
  }

  public Optional<Namespace> namespace(String name) {
    return Optional.ofNullable(namespaces.get(name));
  }

  /**
   * The ids of the members in the partition map (every member not removed), sorted; some may be in
   * no replica list yet, or any more.
   */
  public List<String> replicaHolders() {
    return map.members();
  }

  SortedMap<String, Member> memberMap() {
    return members;
  }

  SortedMap<String, Namespace> namespaceMap() {
    return namespaces;
  }

  /** The state at {@code epoch + 1} with these members (callers pass a map consistent with them). */
  DirectoryState next(SortedMap<String, Member> nextMembers, PartitionMap nextMap,
                      SortedMap<String, Namespace> nextNamespaces) {
    return new DirectoryState(epoch + 1, nextMembers, nextMap, nextNamespaces);
  }

  static List<String> replicaHolders(SortedMap<String, Member> members) {
    List<String> holders = new ArrayList<>();
    for (Member m : members.values()) {
      if (m.state().holdsReplicas()) {
        holders.add(m.nodeId());
      }
    }
    return holders;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DirectoryState other && epoch == other.epoch
        && members.equals(other.members) && map.equals(other.map)
        && namespaces.equals(other.namespaces);
  }

  @Override
  public int hashCode() {
    return Objects.hash(epoch, members, map, namespaces);
  }

  @Override
  public String toString() {
    return "DirectoryState{epoch=" + epoch + ", members=" + members.values() + ", map=" + map
        + ", namespaces=" + namespaces.keySet() + "}";
  }
}
