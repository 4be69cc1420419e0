package io.dkv.core.sim;

import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.InMemoryStorage;
import io.dkv.core.twopc.ClientCommand;
import io.dkv.core.twopc.ClientResult;
import io.dkv.core.twopc.Envelope;
import io.dkv.core.twopc.JournalInspector;
import io.dkv.core.twopc.JournalInspector.DataView;
import io.dkv.core.twopc.JournalInspector.WorkerView;
import io.dkv.core.twopc.Output;
import io.dkv.core.twopc.PartitionEpochs;
import io.dkv.core.twopc.TwoPhaseConfig;
import io.dkv.core.twopc.TwoPhaseNode;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.PeerMessage;
import io.dkv.protocol.TxnId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A cluster whose every message is delivered, held or dropped by the test, for hand-written
 * scenarios. The driver is the same as the simulation's: step, sync if asked, then send.
 */
final class ScriptedCluster {
  static final String NS = "ns";

  /** A message in flight, with its sender. */
  record InFlight(String from, Envelope envelope) {
    PeerMessage message() {
      return envelope.message();
    }

    String to() {
      return envelope.to();
    }
  }

  static final class Node {
    final String id;
    final InMemoryStorage storage = new InMemoryStorage();
    TwoPhaseNode core;
    /** The node's directory view (a restart keeps it): every partition at epoch 0 until told. */
    PartitionEpochs view = PartitionEpochs.NONE;

    Node(String id) {
      this.id = id;
    }
  }

  final TwoPhaseConfig config;
  final Map<String, Node> nodes = new LinkedHashMap<>();
  final List<InFlight> inFlight = new ArrayList<>();
  final Map<Long, ClientResult> results = new HashMap<>();
  long now = 1_000;

  ScriptedCluster(TwoPhaseConfig config, String... ids) {
    this.config = config;
    for (String id : ids) {
      nodes.put(id, new Node(id));
      restart(id);
    }
  }

  Node node(String id) {
    return nodes.get(id);
  }

  void write(String coordinator, long handle, long requestId, String key, Mutation m,
             List<String> participants, long deadlineMillis) {
    write(coordinator, handle, requestId, key, m, participants, 0, deadlineMillis);
  }

  /** A write routed with partition epoch {@code epoch}. */
  void write(String coordinator, long handle, long requestId, String key, Mutation m,
             List<String> participants, long epoch, long deadlineMillis) {
    step(coordinator, n -> n.core.onClient(new ClientCommand.Write(handle, requestId, NS,
        Bytes.utf8(key), m, participants, epoch, deadlineMillis), now));
  }

  /** The directory moved on: node {@code id} now knows every partition at {@code epoch}. */
  void configure(String id, long epoch) {
    configure(id, (namespace, key) -> epoch);
  }

  /** The directory moved on: node {@code id}'s view is now {@code view}. */
  void configure(String id, PartitionEpochs view) {
    Node n = nodes.get(id);
    n.view = view;
    if (n.core != null) {
      n.core.configure(view);
    }
  }

  /** Any other command of a client, or of a learner copying a partition. */
  void client(String id, ClientCommand command) {
    step(id, n -> n.core.onClient(command, now));
  }

  void read(String at, long handle, String key, long deadlineMillis) {
    step(at, n -> n.core.onClient(new ClientCommand.Read(handle, NS, Bytes.utf8(key), deadlineMillis), now));
  }

  /** Delivers, in order, every message in flight now that matches; returns how many. */
  int deliver(Predicate<InFlight> which) {
    List<InFlight> now = new ArrayList<>();
    for (InFlight f : List.copyOf(inFlight)) {
      if (which.test(f)) {
        inFlight.remove(f);
        now.add(f);
      }
    }
    for (InFlight f : now) {
      if (nodes.get(f.to()).core != null) {
        step(f.to(), n -> n.core.onMessage(f.message(), this.now));
      }
    }
    return now.size();
  }

  /** Delivers until nothing matching is in flight (bounded, to catch message storms). */
  void deliverAll(Predicate<InFlight> which) {
    for (int round = 0; round < 1_000; round++) {
      if (deliver(which) == 0) {
        return;
      }
    }
    throw new AssertionError("messages keep flowing: " + inFlight);
  }

  void deliverAll() {
    deliverAll(f -> true);
  }

  int drop(Predicate<InFlight> which) {
    int before = inFlight.size();
    inFlight.removeIf(which);
    return before - inFlight.size();
  }

  /** Moves the clock forward in 10 ms ticks of every live node, delivering nothing. */
  void advance(long millis) {
    long until = now + millis;
    while (now < until) {
      now = Math.min(until, now + 10);
      for (Node n : nodes.values()) {
        if (n.core != null) {
          step(n.id, x -> x.core.tick(now));
        }
      }
    }
  }

  /** Moves the clock forward in 10 ms ticks, delivering every message after each tick. */
  void run(long millis) {
    long until = now + millis;
    while (now < until) {
      advance(10);
      deliverAll();
    }
  }

  /** The process dies: unsynced writes and in-flight messages to and from it are lost. */
  void crash(String id) {
    Node n = nodes.get(id);
    n.storage.crash();
    n.core = null;
    inFlight.removeIf(f -> f.from().equals(id) || f.to().equals(id));
  }

  void restart(String id) {
    Node n = nodes.get(id);
    n.core = new TwoPhaseNode(id, n.storage, config);
    n.core.configure(n.view);
    Output out = n.core.start(now);
    finish(n, out);
  }

  /** Steps a node, then syncs, then crashes it before anything of the step leaves. */
  void stepThenCrash(String id, Function<Node, Output> step) {
    Node n = nodes.get(id);
    Output out = step.apply(n);
    if (out.syncNeeded()) {
      n.storage.sync();
    }
    crash(id);
  }

  /**
   * Steps a node, then syncs even if the step did not ask for it (as a group commit with other
   * steps would), then crashes it before anything of the step leaves.
   */
  void stepSyncThenCrash(String id, Function<Node, Output> step) {
    Node n = nodes.get(id);
    step.apply(n);
    n.storage.sync();
    crash(id);
  }

  /** Steps a node, then crashes it before the sync: the step's writes and output are lost. */
  void stepThenCrashBeforeSync(String id, Function<Node, Output> step) {
    step.apply(nodes.get(id));
    crash(id);
  }

  /** Removes and returns the first matching message in flight. */
  InFlight take(Predicate<InFlight> which) {
    for (InFlight f : inFlight) {
      if (which.test(f)) {
        inFlight.remove(f);
        return f;
      }
    }
    throw new AssertionError("no such message in flight: " + inFlight);
  }

  /** Delivers one message now (even one taken out earlier). */
  void deliverNow(InFlight f) {
    inFlight.add(f);
    deliver(x -> x == f);
  }

  ClientResult result(long handle) {
    return results.get(handle);
  }

  DataView data(String id, String key) {
    byte[] k = JournalInspector.dataKey(NS, Bytes.utf8(key));
    byte[] v = nodes.get(id).storage.get(ColumnFamily.DATA, k);
    return v == null ? null : JournalInspector.data(k, v);
  }

  /** The participant record of {@code txn} at a node (what it can see, durable or not), or null. */
  WorkerView worker(String id, TxnId txn) {
    WorkerView[] found = {null};
    nodes.get(id).storage.scan(ColumnFamily.JOURNAL, new byte[] {'W'}, (k, v) -> {
      WorkerView w = JournalInspector.worker(v);
      if (w.txn().equals(txn)) {
        found[0] = w;
      }
    });
    return found[0];
  }

  /** Worker and decision records at a node. */
  int txnRecords(String id) {
    int[] count = {0};
    nodes.get(id).storage.scan(ColumnFamily.JOURNAL, new byte[0], (k, v) -> {
      if (JournalInspector.isWorkerKey(k) || JournalInspector.isDecisionKey(k)) {
        count[0]++;
      }
    });
    return count[0];
  }

  static Predicate<InFlight> type(Class<? extends PeerMessage> type) {
    return f -> type.isInstance(f.message());
  }

  static Predicate<InFlight> to(String id) {
    return f -> f.to().equals(id);
  }

  static Predicate<InFlight> from(String id) {
    return f -> f.from().equals(id);
  }

  private void step(String id, Function<Node, Output> step) {
    Node n = nodes.get(id);
    finish(n, step.apply(n));
  }

  private void finish(Node n, Output out) {
    if (out.syncNeeded()) {
      n.storage.sync();
    }
    for (Envelope e : out.messages()) {
      inFlight.add(new InFlight(n.id, e));
    }
    for (ClientResult r : out.results()) {
      results.put(r.handle(), r);
    }
  }
}
