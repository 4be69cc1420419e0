package io.dkv.server;

import io.dkv.core.twopc.ClientCommand;
import io.dkv.core.twopc.NodeStats;
import io.dkv.core.twopc.Output;
import io.dkv.core.twopc.PartitionEpochs;
import io.dkv.protocol.PeerMessage;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A {@link ProtocolCore} whose steps a test scripts, for tests of the driver around it. Records
 * every client command it is given; ticks do nothing.
 */
final class ScriptedCore implements ProtocolCore {
  private final Function<ClientCommand, Output> onClient;
  private final Function<PeerMessage, Output> onMessage;
  final List<ClientCommand> commands = new CopyOnWriteArrayList<>();

  ScriptedCore(Function<ClientCommand, Output> onClient, Function<PeerMessage, Output> onMessage) {
    this.onClient = onClient;
    this.onMessage = onMessage;
  }

  /** A core that never answers a client and ignores peer messages. */
  static ScriptedCore silent() {
    return new ScriptedCore(c -> new Output(), m -> new Output());
  }

  @Override
  public Output start(long nowMillis) {
    return new Output().requireSync();
  }

  @Override
  public Output onClients(List<ClientCommand> commands, long nowMillis) {
    Output out = new Output();
    for (ClientCommand command : commands) {
      this.commands.add(command);
      out.merge(onClient.apply(command));
    }
    return out;
  }

  @Override
  public Output onMessage(PeerMessage message, long nowMillis) {
    return onMessage.apply(message);
  }

  @Override
  public Output tick(long nowMillis) {
    return new Output();
  }

  @Override
  public void configure(PartitionEpochs epochs) {
    // The scripted core decides everything by its script; epochs play no part.
  }

  @Override
  public void setReadLease(boolean valid) {
    // Nor does the read lease.
  }

  @Override
  public NodeStats stats() {
    return new NodeStats(0, 0, 0, 0, 0, 0, 1);
  }
}
