package io.dkv.core.twopc;

import io.dkv.core.storage.InMemoryStorage;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.PeerMessage;
import io.dkv.protocol.PeerMessage.Prepare;
import io.dkv.protocol.TxnId;
import java.util.List;

/** One node driven by hand, for unit tests of a role: step, then sync if asked (the driver contract). */
final class NodeHarness {
  static final TwoPhaseConfig CONFIG = new TwoPhaseConfig(50, 50, 200, 5_000, 60_000);
  static final String NS = "ns";

  final String id;
  final InMemoryStorage storage;
  TwoPhaseNode node;
  long now = 1_000;

  NodeHarness(String id) {
    this(id, new InMemoryStorage());
  }

  NodeHarness(String id, InMemoryStorage storage) {
    this.id = id;
    this.storage = storage;
    restart();
  }

  Output restart() {
    node = new TwoPhaseNode(id, storage, CONFIG);
    return driven(node.start(now));
  }

  Output crashAndRestart() {
    storage.crash();
    return restart();
  }

  Output on(PeerMessage m) {
    return driven(node.onMessage(m, now));
  }

  Output client(ClientCommand c) {
    return driven(node.onClient(c, now));
  }

  Output clients(List<ClientCommand> commands) {
    return driven(node.onClients(commands, now));
  }

  Output tickAt(long millis) {
    now = millis;
    return driven(node.tick(now));
  }

  private Output driven(Output out) {
    if (out.syncNeeded()) {
      storage.sync();
    }
    return out;
  }

  DataRecord data(String key) {
    return new Journal(storage).readData(new DataKey(NS, Bytes.utf8(key)));
  }

  WorkerRecord record(TxnId txn) {
    for (WorkerRecord r : new Journal(storage).loadWorkerRecords()) {
      if (r.txn().equals(txn)) {
        return r;
      }
    }
    return null;
  }

  static TxnId txn(String coordinator, long incarnation, long sequence) {
    return new TxnId(coordinator, incarnation, sequence);
  }

  static Prepare prepare(String from, TxnId txn, List<String> participants, String key, Mutation m, long requestId) {
    return new Prepare(from, txn, 0, participants, NS, Bytes.utf8(key), m, requestId);
  }

  static Mutation put(String value) {
    return new Mutation.Put(Bytes.utf8(value));
  }
}
