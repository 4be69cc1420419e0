package io.dkv.server.directory;

import io.dkv.core.directory.CommandCodec;
import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.Heartbeat;
import io.dkv.core.directory.LogEntry;
import io.dkv.core.directory.Member;
import io.dkv.core.directory.NodeState;
import io.dkv.core.directory.StateCodec;
import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CompletableFuture;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.ratis.io.MD5Hash;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientRequest;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.server.RaftServer;
import org.apache.ratis.server.protocol.TermIndex;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.storage.FileInfo;
import org.apache.ratis.server.storage.RaftStorage;
import org.apache.ratis.statemachine.TransactionContext;
import org.apache.ratis.statemachine.impl.BaseStateMachine;
import org.apache.ratis.statemachine.impl.SimpleStateMachineStorage;
import org.apache.ratis.statemachine.impl.SingleFileSnapshotInfo;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.util.MD5FileUtil;

/**
 * The Ratis state machine of one voter: each committed log entry is a {@link CommandCodec}
 * command, applied with the pure {@link DirectoryState#apply}, or a node's {@link Heartbeat},
 * which changes no state but is recorded in this voter's {@link Liveness}; the reply is the
 * encoded {@link io.dkv.core.directory.CommandResult} (for a heartbeat: accepted, which grants
 * the node a read lease, unless the node is down, removed or unknown). A snapshot is one file holding the
 * {@link StateCodec} encoding, named by Ratis after the term and index it covers.
 *
 * <p>Ratis calls {@link #applyTransaction} and {@link #takeSnapshot} on one thread, in log order;
 * {@link #query} comes from RPC threads, so the state and its log position change together under
 * this object's lock and the state is published through a volatile field.
 *
 * <p>Query (a non-voter's fetch): the request is the caller's epoch as 8 bytes big-endian; the
 * reply is empty if this state is not newer, else the whole state encoded.
 */
final class DirectoryStateMachine extends BaseStateMachine {
  private final SimpleStateMachineStorage storage = new SimpleStateMachineStorage();
  private final DirectoryState initial;
  private final Consumer<DirectoryState> onNewState;
  private final Liveness liveness;
  private volatile DirectoryState state;
  /**
   * The epoch of the last {@code Evict} of each node this voter applied, and the epoch of the
   * state it started from: evictions before that are unknown here, so it counts as one. A heartbeat
   * answers with the later of the two (apply thread only).
   */
  private final Map<String, Long> evictedAt = new HashMap<>();
  private long startEpoch;

  /** {@code onNewState} runs on the apply thread after every change, in epoch order. */
  DirectoryStateMachine(DirectoryState initial, Consumer<DirectoryState> onNewState,
                        Liveness liveness) {
    this.initial = initial;
    this.state = initial;
    this.onNewState = onNewState;
    this.liveness = liveness;
  }

  DirectoryState state() {
    return state;
  }

  @Override
  public void initialize(RaftServer server, RaftGroupId groupId, RaftStorage raftStorage)
      throws IOException {
    super.initialize(server, groupId, raftStorage);
    storage.init(raftStorage);
    loadLatestSnapshot();
  }

  /** After a snapshot was installed from the leader (this voter lagged too far behind). */
  @Override
  public void reinitialize() throws IOException {
    loadLatestSnapshot();
  }

  @Override
  public SimpleStateMachineStorage getStateMachineStorage() {
    return storage;
  }

  /**
   * Refuses, on the leader and before it reaches the log, a request that is not a directory
   * command or heartbeat. An entry that does not decode stops every voter when applied (below), so the Raft
   * port must not let one in, whoever sends it: the sender gets the decoding error instead.
   */
  @Override
  public TransactionContext startTransaction(RaftClientRequest request) throws IOException {
    TransactionContext trx = super.startTransaction(request);
    try {
      CommandCodec.decodeEntry(request.getMessage().getContent().toByteArray());
    } catch (IllegalArgumentException notACommand) {
      trx.setException(notACommand);
    }
    return trx;
  }

  @Override
  public CompletableFuture<Message> applyTransaction(TransactionContext trx) {
    LogEntryProto entry = trx.getLogEntry();
    byte[] bytes = entry.getStateMachineLogEntry().getLogData().toByteArray();
    CommandResult result;
    boolean changed;
    synchronized (this) {
      // An entry that does not decode was accepted by a leader running other code; it cannot be
      // skipped silently (voters would diverge), so the apply fails and Ratis stops this server.
      LogEntry decoded = CommandCodec.decodeEntry(bytes);
      if (decoded instanceof Heartbeat heartbeat) {
        result = onHeartbeat(heartbeat);
        changed = false;
      } else {
        DirectoryState.Transition t = state.apply((DirectoryCommand) decoded);
        state = t.state();
        result = t.result();
        changed = result instanceof CommandResult.Accepted;
        if (changed && decoded instanceof DirectoryCommand.Evict e) {
          evictedAt.put(e.nodeId(), state.epoch());
        }
        if (changed && decoded instanceof DirectoryCommand.Join j) {
          liveness.joined(j.nodeId(), System.nanoTime());
        }
      }
      updateLastAppliedTermIndex(entry.getTerm(), entry.getIndex());
    }
    if (changed) {
      onNewState.accept(state);
    }
    return CompletableFuture.completedFuture(
        Message.valueOf(ByteString.copyFrom(CommandCodec.encode(result))));
  }

  /**
   * Records a heartbeat. It grants a lease (is accepted) only while the node is a member that is
   * not down: once the leader has marked a node down, no heartbeat ordered after that in the log
   * lets it serve strong reads again until it is marked up. The accepted result carries the epoch
   * of the node's last eviction (or the epoch this voter started from, if later), not the
   * directory's: the node renews its lease only if its view has it (docs/directory.md §8). Every
   * other change leaves its reads correct: a node that lost a replica role by any other way still
   * takes part in the partition's writes until it has seen that (§9).
   */
  private CommandResult onHeartbeat(Heartbeat heartbeat) {
    NodeState nodeState = state.member(heartbeat.nodeId()).map(Member::state).orElse(null);
    boolean granted = nodeState != null && nodeState != NodeState.DOWN
        && nodeState != NodeState.REMOVED;
    liveness.heard(heartbeat.nodeId(), heartbeat.viewEpoch(), granted, System.nanoTime());
    if (granted) {
      return new CommandResult.Accepted(Math.max(startEpoch,
          evictedAt.getOrDefault(heartbeat.nodeId(), 0L)));
    }
    return new CommandResult.Rejected(state.epoch(), nodeState == null
        ? "node '" + heartbeat.nodeId() + "' is not a member of this cluster"
        : "node '" + heartbeat.nodeId() + "' is " + nodeState + ": its heartbeats grant no read lease"
            + " until the directory marks it up");
  }

  @Override
  public CompletableFuture<Message> query(Message request) {
    ByteString content = request.getContent();
    if (content.size() != Long.BYTES) {
      return CompletableFuture.failedFuture(new IllegalArgumentException("a directory query is"
          + " the caller's epoch in 8 bytes, got " + content.size() + " bytes"));
    }
    long knownEpoch = content.asReadOnlyByteBuffer().getLong();
    DirectoryState now = state;
    return CompletableFuture.completedFuture(now.epoch() <= knownEpoch ? Message.EMPTY
        : Message.valueOf(ByteString.copyFrom(StateCodec.encode(now))));
  }

  static Message queryFor(long knownEpoch) {
    byte[] epoch = ByteBuffer.allocate(Long.BYTES).putLong(knownEpoch).array();
    return Message.valueOf(ByteString.copyFrom(epoch));
  }

  @Override
  public long takeSnapshot() throws IOException {
    DirectoryState snapshotState;
    TermIndex applied;
    synchronized (this) {
      snapshotState = state;
      applied = getLastAppliedTermIndex();
    }
    if (applied == null) {
      return RaftLog.INVALID_LOG_INDEX;
    }
    File file = storage.getSnapshotFile(applied.getTerm(), applied.getIndex());
    Path temp = file.toPath().resolveSibling(file.getName() + ".tmp");
    Files.write(temp, StateCodec.encode(snapshotState));
    // Written whole, then renamed: a crash leaves the previous snapshot, never half of one.
    Files.move(temp, file.toPath(), StandardCopyOption.ATOMIC_MOVE);
    MD5Hash md5 = MD5FileUtil.computeAndSaveMd5ForFile(file);
    storage.updateLatestSnapshot(new SingleFileSnapshotInfo(new FileInfo(file.toPath(), md5),
        applied));
    return applied.getIndex();
  }

  private void loadLatestSnapshot() throws IOException {
    SingleFileSnapshotInfo snapshot = storage.loadLatestSnapshot();
    if (snapshot == null) {
      synchronized (this) {
        state = initial;
        startEpoch = initial.epoch();
        evictedAt.clear();
      }
      return;
    }
    Path path = snapshot.getFile().getPath();
    if (snapshot.getFile().getFileDigest() != null) {
      MD5FileUtil.verifySavedMD5(path.toFile(), snapshot.getFile().getFileDigest());
    }
    DirectoryState loaded = StateCodec.decode(Files.readAllBytes(path));
    synchronized (this) {
      state = loaded;
      startEpoch = loaded.epoch();
      evictedAt.clear();
      updateLastAppliedTermIndex(snapshot.getTermIndex());
    }
    onNewState.accept(loaded);
  }
}
