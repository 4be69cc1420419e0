package io.dkv.core.eventual;

import io.dkv.core.storage.InMemoryStorage;
import io.dkv.protocol.Bytes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Nodes of one partition wired by a loop that follows the driver contract (sync, then send) and
 * delivers every message at once, except those {@link #drop} refuses: for the repair tests.
 */
final class RepairCluster {
  static final String NS = "ns";
  static final RepairConfig CONFIG = new RepairConfig(10_000, 100, 3, 4, 100);

  final Map<String, InMemoryStorage> disks = new LinkedHashMap<>();
  final Map<String, EventualNode> nodes = new LinkedHashMap<>();
  final List<QuorumEnvelope> delivered = new ArrayList<>();
  final List<EventualResult> results = new ArrayList<>();
  Predicate<QuorumEnvelope> drop = e -> false;
  long now = 1_000_000;

  RepairCluster(String... ids) {
    // Hints live 5 s at most, within the grace period (EventualNode refuses anything else).
    EventualConfig protocol = new EventualConfig(200, 5_000, 1_000, 500,
        new HintConfig(1_000, 2_000, 1_000, 1 << 20, 5_000, 1_000));
    for (String id : ids) {
      disks.put(id, new InMemoryStorage());
      nodes.put(id, new EventualNode(id, disks.get(id), protocol, 1, KeyPartitioner.SINGLE, CONFIG));
    }
  }

  List<String> replicas() {
    return List.copyOf(nodes.keySet());
  }

  /** Stores {@code value} on {@code node} as a write from outside would. */
  void store(String node, String key, EventualValue value) {
    run(node, new EventualOutput().send(node, new QuorumMessage.WriteRequest(node, NS, Bytes.utf8(key), value)));
  }

  EventualValue read(String node, String key) {
    return nodes.get(node).read(NS, Bytes.utf8(key));
  }

  void repair(String node, long handle, String peer) {
    run(node, nodes.get(node).onClient(new EventualCommand.Repair(handle, NS, 0, peer), now));
  }

  void purgeRound(String node) {
    run(node, nodes.get(node).purgeTombstones(NS, 0, replicas(), now));
  }

  void tick(long advanceMillis) {
    now += advanceMillis;
    for (String id : nodes.keySet()) {
      run(id, nodes.get(id).tick(now));
    }
  }

  /** The values sent as writes between different nodes (shipments and purge checks' tombstones). */
  List<QuorumMessage.WriteRequest> shipped() {
    return delivered.stream()
        .filter(e -> e.message() instanceof QuorumMessage.WriteRequest w && !w.from().equals(e.to()))
        .map(e -> (QuorumMessage.WriteRequest) e.message()).toList();
  }

  void run(String node, EventualOutput first) {
    ArrayDeque<QuorumEnvelope> queue = new ArrayDeque<>();
    finish(node, first, queue);
    while (!queue.isEmpty()) {
      QuorumEnvelope e = queue.pollFirst();
      if (!drop.test(e)) {
        delivered.add(e);
        finish(e.to(), nodes.get(e.to()).onMessage(e.message(), now), queue);
      }
    }
  }

  private void finish(String node, EventualOutput out, ArrayDeque<QuorumEnvelope> queue) {
    if (out.syncNeeded()) {
      disks.get(node).sync();
    }
    queue.addAll(out.messages());
    results.addAll(out.results());
  }

  static HybridTimestamp version(long wallMillis, String node) {
    return new HybridTimestamp(wallMillis, 0, node);
  }

  static EventualValue.Present value(long wallMillis, String bytes) {
    return new EventualValue.Present(version(wallMillis, "n1"), Bytes.utf8(bytes));
  }
}
