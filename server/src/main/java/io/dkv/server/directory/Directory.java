package io.dkv.server.directory;

import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The cluster's replicated directory as one node sees it: membership, the partition map and the
 * namespaces ({@link DirectoryState}), changed only by commands in a replicated log. The rules
 * live in the pure {@link DirectoryState#apply}; an implementation only orders the commands and
 * keeps the state. {@code docs/directory.md} describes both.
 *
 * <p>Thread-safe; no method blocks.
 */
public interface Directory extends AutoCloseable {

  /**
   * Appends {@code command} to the replicated log. The future completes with its result once a
   * majority of voters has committed it and it has been applied, or exceptionally if that cannot
   * be confirmed in time (no majority, closed). A command that failed that way may still have
   * been applied: commands are not idempotent (a second Join is rejected), so check
   * {@link #current()} before resubmitting.
   */
  CompletableFuture<CommandResult> submit(DirectoryCommand command);

  /**
   * Appends this node's heartbeat, carrying the directory epoch it has seen, to the replicated log.
   * Completes with {@code Accepted} once committed and applied while this node is a member that
   * is not down, carrying the epoch of this node's last eviction: that grants it a read lease from
   * the moment it sent the heartbeat, if its view has that epoch ({@code docs/directory.md} §8). {@code Rejected} says why not; exceptionally when no
   * leader committed it within twice the heartbeat period.
   */
  CompletableFuture<CommandResult> heartbeat(long viewEpoch);

  /**
   * The newest state this node has seen. It may lag behind a result returned by {@link #submit}
   * (that result came from another voter); {@link #addListener} tells when it catches up.
   */
  DirectoryState current();

  /**
   * Asks the directory's leader for its newest state and completes with this node's state after
   * taking it, so it includes every command the leader had applied. Fails when no leader answers
   * in time. For a node that must not refuse a request on a view that may lag.
   */
  CompletableFuture<DirectoryState> refresh();

  /**
   * Calls {@code listener} with every newer state this node sees, in increasing epoch order. A
   * node that catches up from a snapshot or a fetched state skips the epochs in between. Runs on
   * the directory's own thread: the listener must not block; an exception it throws is logged and
   * does not stop the others.
   */
  void addListener(Consumer<DirectoryState> listener);

  /**
   * The id of the voter this node last knew to lead the directory's log, if any: on a voter, its
   * Raft server's view; on a non-voter, the voter that answered its last fetch.
   */
  Optional<String> leader();

  /** Stops this node's part of the directory; pending submits complete exceptionally. */
  @Override
  void close() throws IOException;
}
