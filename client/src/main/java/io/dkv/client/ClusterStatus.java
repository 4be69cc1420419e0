package io.dkv.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The cluster's directory as the node that answered knows it: its members, how keys are placed
 * and the namespaces. A node that has not caught up with the directory answers with an older
 * {@code epoch}; compare epochs to tell which of two views is newer.
 *
 * @param epoch             the directory epoch of this view; every directory change raises it by one
 * @param leader            node id of the directory's Raft leader, empty when the answering node does
 *                          not know it (for example during an election)
 * @param partitionCount    Q, the number of partitions, fixed for the life of the cluster
 * @param replicationFactor RF, the most replicas a partition has, fixed for the life of the cluster
 * @param members           every member, removed ones included
 * @param namespaces        every namespace, {@code default} included
 */
public record ClusterStatus(long epoch, Optional<String> leader, int partitionCount, int replicationFactor,
                            List<ClusterMember> members, List<NamespaceSettings> namespaces) {
  public ClusterStatus {
    Objects.requireNonNull(leader, "leader");
    members = List.copyOf(members);
    namespaces = List.copyOf(namespaces);
  }

  /** The namespace with this name, or empty if the cluster has none by that name. */
  public Optional<NamespaceSettings> namespace(String name) {
    return namespaces.stream().filter(n -> n.name().equals(name)).findFirst();
  }
}
