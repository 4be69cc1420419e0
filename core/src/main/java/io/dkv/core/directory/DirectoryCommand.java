package io.dkv.core.directory;

import java.util.List;
import java.util.Objects;

/**
 * A change to the directory, one entry of its replicated log. Records carry whatever they were
 * given: {@link DirectoryState#apply} validates them, so an invalid command in the log is
 * rejected the same way on every replica instead of failing to decode.
 */
public sealed interface DirectoryCommand extends LogEntry {

  /**
   * A new cluster's first command: these nodes are its members, all up, with the first map of
   * {@code partitionCount} partitions and {@code replicationFactor} replicas each (fixed for the
   * life of the cluster). Only accepted while the directory has no member, so when every node of a
   * new cluster submits it, the first one applied wins and the rest are refused; carrying Q and RF
   * makes every voter build the same map whatever it was configured with.
   */
  record Initialize(List<Join> members, int partitionCount, int replicationFactor)
      implements DirectoryCommand {
    public Initialize {
      members = List.copyOf(members);
    }
  }

  /**
   * A new node (or a removed one coming back) joins at {@code address} (HOST:PORT). It enters the
   * map with no replicas: it gets partitions only once it has their data.
   */
  record Join(String nodeId, String address) implements DirectoryCommand {
    public Join {
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(address, "address");
    }
  }

  /** A joining node has caught up, or a down node is back; no replica list changes. */
  record MarkUp(String nodeId) implements DirectoryCommand {
    public MarkUp {
      Objects.requireNonNull(nodeId, "nodeId");
    }
  }

  /**
   * A node stopped sending heartbeats. Only its state changes: it keeps its replica lists, so its
   * partitions still need it, but from now on its heartbeats grant it no read lease. Taking it out
   * of the lists is a separate, later {@link Evict}, once any lease it held has run out.
   */
  record MarkDown(String nodeId) implements DirectoryCommand {
    public MarkDown {
      Objects.requireNonNull(nodeId, "nodeId");
    }
  }

  /**
   * A down node leaves the replica lists of its partitions, which go on with the replicas they
   * have left (no other node has their data), except a partition that would keep fewer than
   * {@code minReplicas} (1..15) replicas: it keeps the node, and waits for it. The node also stops
   * being a learner (its moves end) and leaving. Refused when the node is not down, or when nothing
   * changes.
   */
  record Evict(String nodeId, int minReplicas) implements DirectoryCommand {
    public Evict {
      Objects.requireNonNull(nodeId, "nodeId");
    }
  }

  /**
   * A node drains: it stays reachable and keeps its replicas until they are moved to other nodes.
   */
  record Leave(String nodeId) implements DirectoryCommand {
    public Leave {
      Objects.requireNonNull(nodeId, "nodeId");
    }
  }

  /**
   * A leaving or down node is gone for good; its id stays known as removed. Refused while the node
   * has any role in a partition (replica, learner or leaving).
   */
  record Remove(String nodeId) implements DirectoryCommand {
    public Remove {
      Objects.requireNonNull(nodeId, "nodeId");
    }
  }

  /**
   * Starts moving partitions: in each, {@code to} becomes a learner, to take the place of the
   * replica {@code from}, or a free place in a short list when {@code from} is null. All or none:
   * one invalid move rejects the command.
   */
  record StartMoves(List<MoveRequest> moves) implements DirectoryCommand {
    public StartMoves {
      moves = List.copyOf(moves);
    }
  }

  /** One partition's move in {@link StartMoves}. */
  record MoveRequest(int partition, String to, String from) {
    public MoveRequest {
      Objects.requireNonNull(to, "to");
    }
  }

  /**
   * The learner {@code nodeId} of {@code partition} has copied its data: it becomes a replica in
   * the place the move named, and the replica it replaces starts leaving. {@code since} is the
   * move it finished: a promotion for an older attempt is refused.
   */
  record Promote(int partition, String nodeId, long since) implements DirectoryCommand {
    public Promote {
      Objects.requireNonNull(nodeId, "nodeId");
    }
  }

  /**
   * A draining or down replica of {@code partition} stops serving its reads without a
   * replacement (no other node can take its place); it keeps taking part in writes until it is
   * released. Refused if it is the partition's last replica.
   */
  record Demote(int partition, String nodeId) implements DirectoryCommand {
    public Demote {
      Objects.requireNonNull(nodeId, "nodeId");
    }
  }

  /**
   * A leaving node of {@code partition} has seen that it no longer serves the partition's reads (or
   * its read lease has run out): writes stop going to it.
   */
  record Release(int partition, String nodeId) implements DirectoryCommand {
    public Release {
      Objects.requireNonNull(nodeId, "nodeId");
    }
  }

  /** A new namespace with its replication settings. */
  record CreateNamespace(String name, NamespaceMode mode, int n, int w, int r)
      implements DirectoryCommand {
    public CreateNamespace {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(mode, "mode");
    }
  }

  /** Drops a namespace (never {@code default}). */
  record DropNamespace(String name) implements DirectoryCommand {
    public DropNamespace {
      Objects.requireNonNull(name, "name");
    }
  }
}
