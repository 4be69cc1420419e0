package io.dkv.server;

import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.Member;
import io.dkv.core.directory.Namespace;
import io.dkv.core.directory.NodeState;
import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.PartitionMove;
import io.dkv.core.placement.Partitioner;
import io.dkv.core.twopc.PartitionEpochs;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage;
import io.dkv.protocol.ClientMessage.PartitionMapResponse;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The node's view of the cluster at one directory epoch: members and their addresses, the
 * partition map and the namespaces. A new view replaces the old one whenever the directory moves
 * on ({@link NodeDirectory}). Immutable, so safe from any thread.
 */
final class Cluster {
  private final DirectoryState state;
  /** Members that are not removed, by id, in id order, with their dkv addresses. */
  private final Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();

  Cluster(DirectoryState state) {
    this.state = state;
    for (Member m : state.members()) {
      if (m.state() != NodeState.REMOVED) {
        addresses.put(m.nodeId(),
            MemberAddress.parseHostPort("address of member " + m.nodeId(), m.address()).socketAddress());
      }
    }
  }

  DirectoryState state() {
    return state;
  }

  PartitionMap map() {
    return state.map();
  }

  Optional<Namespace> namespace(String name) {
    return state.namespace(name);
  }

  /**
   * This view as the two-phase-commit core of node {@code self} needs it: each partition's
   * configuration epoch (the core refuses a PREPARE routed with an older one), the partitions
   * {@code self} is the learner of, and those it is a replica of (only a replica judges write
   * conditions). The core names keys by storage name; partitions are computed
   * from the namespace's own name, as clients do. A storage name that is not a current namespace
   * of this view (dropped, created again since, or not seen yet) is refused outright, so no write
   * lands in a namespace incarnation the directory no longer has.
   */
  PartitionEpochs partitionEpochs(String self) {
    PartitionMap map = state.map();
    Set<String> current = new HashSet<>();
    state.namespaces().forEach(ns -> current.add(ns.storageName()));
    return new PartitionEpochs() {
      @Override
      public long epochOf(String storageName, Bytes key) {
        int p = partitionOf(storageName, key);
        return p < 0 ? UNKNOWN_NAMESPACE : map.partitionEpoch(p);
      }

      @Override
      public long learnerSince(String storageName, Bytes key) {
        int p = partitionOf(storageName, key);
        PartitionMove move = p < 0 ? null : map.set(p).move();
        return move != null && move.to().equals(self) ? move.since() : NOT_LEARNING;
      }

      /** Only a replica judges write conditions; a learner and a leaving node are no replicas. */
      @Override
      public boolean isReplica(String storageName, Bytes key) {
        int p = partitionOf(storageName, key);
        return p >= 0 && map.replicas(p).contains(self);
      }

      @Override
      public int partitionOf(String storageName, Bytes key) {
        return current.contains(storageName)
            ? Partitioner.partitionOf(Namespace.nameOf(storageName), key, map.partitionCount()) : -1;
      }

      @Override
      public long viewEpoch() {
        return state.epoch();
      }
    };
  }

  /** Whether {@code nodeId} is a member that has not been removed. */
  boolean isMember(String nodeId) {
    return addresses.containsKey(nodeId);
  }

  InetSocketAddress address(String nodeId) {
    InetSocketAddress a = addresses.get(nodeId);
    if (a == null) {
      throw new IllegalArgumentException("unknown node " + nodeId + "; members at epoch "
          + state.epoch() + ": " + addresses.keySet());
    }
    return a;
  }

  /** The members that are not removed, in id order, as the wire carries them. */
  List<ClientMessage.Member> wireMembers() {
    List<ClientMessage.Member> out = new ArrayList<>();
    addresses.forEach((id, a) -> out.add(new ClientMessage.Member(id, a.getHostString(), a.getPort())));
    return out;
  }

  /** The map as iterative clients receive it: replica sets as indexes into {@link #wireMembers}. */
  PartitionMapResponse toWire() {
    Map<String, Integer> index = new HashMap<>();
    for (String id : addresses.keySet()) {
      index.put(id, index.size());
    }
    PartitionMap map = state.map();
    List<int[]> replicas = new ArrayList<>(map.partitionCount());
    for (int p = 0; p < map.partitionCount(); p++) {
      replicas.add(map.replicas(p).stream().mapToInt(index::get).toArray());
    }
    return new PartitionMapResponse(map.epoch(), wireMembers(), replicas);
  }
}
