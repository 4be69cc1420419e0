package io.dkv.server;

import io.dkv.core.twopc.ClientCommand;
import io.dkv.core.twopc.NodeStats;
import io.dkv.core.twopc.Output;
import io.dkv.core.twopc.PartitionEpochs;
import io.dkv.core.twopc.TwoPhaseNode;
import io.dkv.protocol.PeerMessage;
import java.util.List;

/**
 * The protocol state machine that {@link CoreLoop} drives: {@link TwoPhaseNode} in production, a
 * scripted one in tests of the driver.
 *
 * <p>Contract, as {@link TwoPhaseNode}'s: called from one thread at a time, {@link #start} first;
 * each step writes its own batches to storage and returns what to sync and send. A
 * {@link io.dkv.core.storage.StorageException}, {@link IllegalStateException} or
 * {@link io.dkv.core.twopc.CorruptRecordException} from any method means the node must stop. Steps
 * may block on disk I/O, never on the network.
 */
interface ProtocolCore {
  Output start(long nowMillis);

  /** Client commands taken together (see {@link TwoPhaseNode#onClients}). */
  Output onClients(List<ClientCommand> commands, long nowMillis);

  Output onMessage(PeerMessage message, long nowMillis);

  Output tick(long nowMillis);

  /** The partition epochs of the node's newest directory view (see {@link TwoPhaseNode#configure}). */
  void configure(PartitionEpochs epochs);

  /** Whether the node holds its read lease now (see {@link TwoPhaseNode#setReadLease}). */
  void setReadLease(boolean valid);

  /** Counters as of the end of the last step; safe to call from any thread. */
  NodeStats stats();

  static ProtocolCore of(TwoPhaseNode node) {
    return new ProtocolCore() {
      @Override
      public Output start(long nowMillis) {
        return node.start(nowMillis);
      }

      @Override
      public Output onClients(List<ClientCommand> commands, long nowMillis) {
        return node.onClients(commands, nowMillis);
      }

      @Override
      public Output onMessage(PeerMessage message, long nowMillis) {
        return node.onMessage(message, nowMillis);
      }

      @Override
      public Output tick(long nowMillis) {
        return node.tick(nowMillis);
      }

      @Override
      public void configure(PartitionEpochs epochs) {
        node.configure(epochs);
      }

      @Override
      public void setReadLease(boolean valid) {
        node.setReadLease(valid);
      }

      @Override
      public NodeStats stats() {
        return node.stats();
      }
    };
  }
}
