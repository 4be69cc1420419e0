package io.dkv.core.eventual;

import io.dkv.protocol.Bytes;
import java.util.List;
import java.util.Set;

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
   * @param fallbacks      hinted handoff: live nodes that are not replicas of the key, in the order to
   *                       try them, for a replica that does not acknowledge in time (this node is
   *                       tried last if it is not listed)
   * @param down           replicas the caller knows are down: they get a hint at once
   */
  record Write(long handle, long requestId, String namespace, Bytes key, Change change, List<String> replicas,
               int writeQuorum, long deadlineMillis, List<String> fallbacks, Set<String> down)
      implements EventualCommand {
    public Write {
      replicas = List.copyOf(replicas);
      fallbacks = List.copyOf(fallbacks);
      down = Set.copyOf(down);
    }

    /** A write with no fallbacks but this node and no replica known to be down. */
    public Write(long handle, long requestId, String namespace, Bytes key, Change change, List<String> replicas,
                 int writeQuorum, long deadlineMillis) {
      this(handle, requestId, namespace, key, change, replicas, writeQuorum, deadlineMillis, List.of(), Set.of());
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
   * Merge {@code entries} into this node's replica (a partition move's copy, docs/eventual.md §9):
   * each is stored only if newer than what is held; answered with {@link EventualResult.Installed}
   * once every stored one is durable.
   */
  record Install(long handle, List<StoredEntry> entries) implements EventualCommand {
    public Install {
      entries = List.copyOf(entries);
    }
  }

  /**
   * Repair partition {@code partition} of {@code namespace} with its replica {@code peer} by one
   * anti-entropy session (docs/eventual.md §10), this node initiating; answered with
   * {@link EventualResult.Repaired} or {@link EventualResult.RepairFailed}.
   */
  record Repair(long handle, String namespace, int partition, String peer) implements EventualCommand {}
}
