package io.dkv.core.eventual;

import io.dkv.protocol.Bytes;
import java.util.List;

/**
 * A client's request to an eventual namespace, coordinated by this node. {@code handle} is an
 * opaque id chosen by the driver; the matching {@link EventualResult} carries it back. The caller
 * resolves the key's replicas from the partition map (N is their number) and the quorum from the
 * namespace's settings and the request's overrides ({@link QuorumSettings#withOverrides}); the
 * coordinator checks 1 <= quorum <= N again.
 */
public sealed interface EventualCommand {
  long handle();

  /** What a write does to its key. */
  sealed interface Change {}

  record Put(Bytes value) implements Change {
    public Put {
      if (value == null) {
        throw new IllegalArgumentException("a put needs a value");
      }
    }
  }

  record Delete() implements Change {}

  /**
   * Write to all {@code replicas}; answered after {@code writeQuorum} of them acknowledge durably.
   *
   * @param requestId      the client's request id: a retry carries the same one and, while this
   *                       coordinator remembers it, is sent with the version of the first attempt
   * @param deadlineMillis when, on this node's clock, to give up ({@link EventualResult.WriteIncomplete})
   */
  record Write(long handle, long requestId, String namespace, Bytes key, Change change, List<String> replicas,
               int writeQuorum, long deadlineMillis) implements EventualCommand {
    public Write {
      replicas = List.copyOf(replicas);
    }
  }

  /**
   * Read from {@code readQuorum} of {@code replicas} (this node's first when it is one of them);
   * answered with the newest version once that many have replied.
   */
  record Read(long handle, String namespace, Bytes key, List<String> replicas, int readQuorum,
              long deadlineMillis) implements EventualCommand {
    public Read {
      replicas = List.copyOf(replicas);
    }
  }

  /**
   * Repair partition {@code partition} of {@code namespace} with its replica {@code peer} by one
   * anti-entropy session (docs/eventual.md §10), this node initiating; answered with
   * {@link EventualResult.Repaired} or {@link EventualResult.RepairFailed}.
   */
  record Repair(long handle, String namespace, int partition, String peer) implements EventualCommand {}
}
