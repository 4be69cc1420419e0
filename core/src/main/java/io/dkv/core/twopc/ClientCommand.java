package io.dkv.core.twopc;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.Mutation;
import java.util.List;

/**
 * A client's request as the node's two-phase-commit core sees it. {@code handle} is an opaque id
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
}
