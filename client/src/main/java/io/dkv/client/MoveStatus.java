package io.dkv.client;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the cluster's partition moves stand, as the node that answered knows the directory
 * ({@code docs/directory.md} §9): a joining node learns its share of the partitions, a leaving one
 * hands all of its partitions over, and the others give up or take what the claim function says.
 *
 * @param epoch              the directory epoch of this view
 * @param movesInProgress    partitions with a learner copying them
 * @param members            every member, removed ones included, in node-id order
 * @param answeredBy         the id of the node that answered
 * @param keysCopied         keys that node installed from copies (as a learner) since it started
 * @param partitionsPromoted partitions that node was promoted in since it started
 */
public record MoveStatus(long epoch, int movesInProgress, List<MemberMoves> members, String answeredBy,
                         long keysCopied, long partitionsPromoted) {
  public MoveStatus {
    members = List.copyOf(members);
    Objects.requireNonNull(answeredBy, "answeredBy");
  }

  /**
   * One member's part in the moves.
   *
   * @param partitions how many partitions it replicates now
   * @param target     how many it will replicate once the moves are done: 0 for a leaving node
   * @param learning   partitions it is copying, to replicate them once copied
   * @param leaving    partitions it no longer replicates but still takes the writes of, until the
   *                   directory releases it from them
   */
  public record MemberMoves(String nodeId, ClusterMember.State state, int partitions, int target,
                            int learning, int leaving) {
    public MemberMoves {
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(state, "state");
    }

    /** It replicates its target and nothing of it is in between. */
    public boolean atTarget() {
      return partitions == target && learning == 0 && leaving == 0;
    }
  }

  /** Nothing is moving and every member holds its target. */
  public boolean atTarget() {
    return movesInProgress == 0 && members.stream().allMatch(MemberMoves::atTarget);
  }

  /** The member with this id, or empty if this view does not know it. */
  public Optional<MemberMoves> member(String nodeId) {
    return members.stream().filter(m -> m.nodeId().equals(nodeId)).findFirst();
  }
}
