package io.dkv.server.directory;

import io.dkv.core.directory.CommandResult;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftPeerId;

/**
 * The Raft client that carries this node's heartbeats, aimed at the voter this node believes leads
 * the directory. A node whose heartbeats are not committed for down-after is marked down, so they
 * must reach a new leader within a few periods of its election. Ratis' client alone does not: it
 * keeps sending to the leader it knew, and when that one was cut off, every attempt first waits
 * out a request timeout there, and dropping the connection to it blocks for seconds. In the fault
 * suite a new leader heard no heartbeat at all, not even its own node's, for its first five
 * seconds, and marked every node down.
 *
 * <p>So each heartbeat goes through a client made for the current leader hint (on a voter, its
 * own Raft server's idea of the leader, which a new leader's first append brings): a new hint
 * makes a new client. Two failures in a row also make a new client, aimed at the next voter when
 * the hint has nothing better (a non-voter's hint is the voter that answered its last fetch). The
 * replaced client is closed on a thread of its own, never on the thread that completes a future.
 *
 * <p>Thread-safe.
 */
final class HeartbeatClient implements AutoCloseable {
  static final int FRESH_CLIENT_AFTER_FAILURES = 2;

  private final Function<RaftPeerId, RaftClient> clientTryingFirst;
  private final Supplier<RaftPeerId> leaderHint;
  private final List<RaftPeerId> voters;
  private final long timeoutMillis;
  private RaftClient client; // guarded by this
  private RaftPeerId target; // guarded by this: the voter the client was made to try first
  private int failures; // guarded by this: in a row, on the current client
  private boolean closed; // guarded by this

  /**
   * @param clientTryingFirst makes a client that sends to the given voter first (any voter when
   *     null)
   * @param leaderHint the voter this node believes leads, null when it knows none
   * @param timeoutMillis how long one heartbeat waits for its answer
   */
  HeartbeatClient(Function<RaftPeerId, RaftClient> clientTryingFirst,
                  Supplier<RaftPeerId> leaderHint, List<RaftPeerId> voters, long timeoutMillis) {
    this.clientTryingFirst = clientTryingFirst;
    this.leaderHint = leaderHint;
    this.voters = List.copyOf(voters);
    this.timeoutMillis = timeoutMillis;
    this.target = voters.getFirst();
    this.client = clientTryingFirst.apply(target);
  }

  /** Appends {@code heartbeat} to the directory's log; its result, or a failure after the timeout. */
  CompletableFuture<CommandResult> send(Message heartbeat) {
    RaftClient sender;
    try {
      sender = aimedAtLeader();
    } catch (IllegalStateException closing) {
      return CompletableFuture.failedFuture(closing);
    }
    return RatisDirectory.send(sender, heartbeat, timeoutMillis)
        .whenComplete((result, failure) -> answered(sender, failure == null));
  }

  /** The voter the current client was made to try first. For tests. */
  synchronized RaftPeerId target() {
    return target;
  }

  private synchronized RaftClient aimedAtLeader() {
    if (closed) {
      throw new IllegalStateException("the directory is closed");
    }
    RaftPeerId hint = leaderHint.get();
    if (hint != null && !hint.equals(target)) {
      replace(hint);
    }
    return client;
  }

  private synchronized void answered(RaftClient sender, boolean acknowledged) {
    if (closed || sender != client) {
      return; // an answer to a client replaced since
    }
    if (acknowledged) {
      failures = 0;
    } else if (++failures >= FRESH_CLIENT_AFTER_FAILURES) {
      RaftPeerId hint = leaderHint.get();
      replace(hint == null || hint.equals(target) ? nextVoterAfter(target) : hint);
    }
  }

  private RaftPeerId nextVoterAfter(RaftPeerId voter) {
    return voters.get((voters.indexOf(voter) + 1) % voters.size());
  }

  private void replace(RaftPeerId to) {
    RaftClient replaced = client;
    client = clientTryingFirst.apply(to);
    target = to;
    failures = 0;
    closeInBackground(replaced);
  }

  /**
   * Closes {@code client} on a thread of its own: closing a connection to a voter that does not
   * answer waits seconds for it to shut down gracefully, and on the thread that completes
   * {@code orTimeout} futures it would hold back every timeout of this JVM meanwhile.
   */
  static void closeInBackground(RaftClient client) {
    if (client == null) {
      return;
    }
    Thread.ofPlatform().daemon().name("dkv-directory-client-close")
        .start(() -> RatisDirectory.closeQuietly(client));
  }

  @Override
  public void close() throws IOException {
    RaftClient last;
    synchronized (this) {
      closed = true;
      last = client;
    }
    last.close();
  }
}
