package io.dkv.core.twopc;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.Mutation;
import java.util.List;
import java.util.Set;

/**
 * A request from outside the protocol as the node's two-phase-commit core sees it: a client's
 * write or read, or a learner's copy of a partition. {@code handle} is an opaque id
 * chosen by the driver; the matching {@link ClientResult} carries it back.
 */
public sealed interface ClientCommand {
  long handle();

  /**
   * Coordinate a write on this node.
   *
   * @param requestId      the client's request id: a retry carries the same one, and a request id
   *                       that already committed is answered with its first outcome, not re-applied
   * @param participants   the ordered replica set of the key's partition (from the partition map)
   * @param deadlineMillis absolute time after which the client gets TIMEOUT (outcome unknown)
   */
  record Write(long handle, long requestId, String namespace, Bytes key, Mutation mutation,
               List<String> participants, long epoch, long deadlineMillis) implements ClientCommand {}

  /**
   * Read a key from this node's replica. If a prepared transaction holds the key here, the answer
   * waits for its decision (linearizable reads), or fails with TIMEOUT at the deadline.
   */
  record Read(long handle, String namespace, Bytes key, long deadlineMillis) implements ClientCommand {}

  /**
   * A learner asks this replica for the committed keys of {@code partitions}, in key order after
   * {@code after} (empty: from the start), at most {@code maxEntries} and about 4 MiB. Refused
   * while this node's view is older than {@code since}, the epoch the newest of the learner's
   * moves started at:
   * before it, a write routed without the learner could still commit here behind the copy. The
   * page ends before a key that a transaction holds here, whether the key has a committed value
   * yet or not, so no copied value is overtaken by a commit the learner does not take part in.
   */
  record Copy(long handle, Set<Integer> partitions, long since, Bytes after, int maxEntries)
      implements ClientCommand {
    public Copy {
      partitions = Set.copyOf(partitions);
    }
  }

  /**
   * Entries copied from a replica, to install in partitions this node is the learner of by moves
   * that started at {@code since} or before (the newest of the copy's moves): each goes in unless
   * this node already has the key at the same or a newer version (a write it took part in since).
   * All or nothing: refused if any key belongs elsewhere or to a newer attempt, or is held by a
   * transaction: one of an epoch before its partition's move could commit below the copy, and one
   * since may be the very write the copy holds, which would then be applied twice. The request-id
   * records of the last page ({@code requests}) go in too, those this node lacks.
   */
  record Install(long handle, long since, List<CopiedEntry> entries, List<CopiedEntry> requests)
      implements ClientCommand {
    public Install {
      entries = List.copyOf(entries);
      requests = List.copyOf(requests);
    }
  }
}
