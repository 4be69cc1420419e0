package io.dkv.core.placement;

import java.util.ArrayList;
import java.util.List;

/**
 * The nodes of one partition and their roles. {@code replicas} (ordered, slot 0 first) hold the
 * data, serve reads and count toward the replication factor; {@code move} (null when none) names a
 * learner catching up; {@code leaving} are former replicas that still take part in writes until
 * they have seen that they no longer serve reads (so no read they serve can miss a write). Every
 * one of them is a participant: a strong write commits only with all of their votes.
 */
public record ReplicaSet(List<String> replicas, PartitionMove move, List<String> leaving) {
  public ReplicaSet {
    replicas = List.copyOf(replicas);
    leaving = List.copyOf(leaving);
  }

  /** Replicas only: no move, nobody leaving. */
  public static ReplicaSet of(List<String> replicas) {
    return new ReplicaSet(replicas, null, List.of());
  }

  /** Everyone a write must reach: the replicas, then the learner, then the leaving nodes. */
  public List<String> participants() {
    if (move == null && leaving.isEmpty()) {
      return replicas;
    }
    List<String> all = new ArrayList<>(replicas);
    if (move != null) {
      all.add(move.to());
    }
    all.addAll(leaving);
    return List.copyOf(all);
  }

  /** Whether {@code node} is a replica, the learner or leaving. */
  public boolean involves(String node) {
    return replicas.contains(node) || leaving.contains(node)
        || (move != null && move.to().equals(node));
  }

  public ReplicaSet withReplicas(List<String> newReplicas) {
    return new ReplicaSet(newReplicas, move, leaving);
  }

  public ReplicaSet withMove(PartitionMove newMove) {
    return new ReplicaSet(replicas, newMove, leaving);
  }

  public ReplicaSet withLeaving(List<String> newLeaving) {
    return new ReplicaSet(replicas, move, newLeaving);
  }
}
