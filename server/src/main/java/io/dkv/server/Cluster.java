package io.dkv.server;

import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.Placement;
import io.dkv.protocol.ClientMessage.Member;
import io.dkv.protocol.ClientMessage.PartitionMapResponse;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's view of the cluster: members, their addresses and the partition map. Fixed at start
 * from the configured member list (epoch 1); the replicated directory will replace this source
 * later, behind the same methods. Immutable, so safe from any thread.
 */
final class Cluster {
  private final List<MemberAddress> members;
  private final Map<String, InetSocketAddress> addresses = new HashMap<>();
  private final PartitionMap map;

  Cluster(NodeConfig config) {
    this.members = config.members();
    for (MemberAddress m : members) {
      addresses.put(m.nodeId(), m.socketAddress());
    }
    this.map = Placement.initial(members.stream().map(MemberAddress::nodeId).toList(),
        config.partitionCount(), config.replicationFactor());
  }

  PartitionMap map() {
    return map;
  }

  boolean isMember(String nodeId) {
    return addresses.containsKey(nodeId);
  }

  InetSocketAddress address(String nodeId) {
    InetSocketAddress a = addresses.get(nodeId);
    if (a == null) {
      throw new IllegalArgumentException("unknown node " + nodeId);
    }
    return a;
  }

  List<Member> wireMembers() {
    return members.stream().map(m -> new Member(m.nodeId(), m.host(), m.port())).toList();
  }

  /** The map as iterative clients receive it: replica sets as indexes into the member list. */
  PartitionMapResponse toWire() {
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < members.size(); i++) {
      index.put(members.get(i).nodeId(), i);
    }
    List<int[]> replicas = new ArrayList<>(map.partitionCount());
    for (int p = 0; p < map.partitionCount(); p++) {
      replicas.add(map.replicas(p).stream().mapToInt(index::get).toArray());
    }
    return new PartitionMapResponse(map.epoch(), wireMembers(), replicas);
  }
}
