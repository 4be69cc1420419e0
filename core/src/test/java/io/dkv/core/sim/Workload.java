package io.dkv.core.sim;

import io.dkv.core.twopc.ClientCommand;
import io.dkv.core.twopc.ClientResult;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Mutation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Clients issuing random reads and writes of every kind on a few keys, each through a random
 * coordinator (reads: a random replica that would serve it), with random deadlines. A write is
 * routed by its coordinator's view of the directory, stale or not. A write that times out or meets a
 * lock conflict or a stale configuration is retried with the same request id (maybe through
 * another coordinator), which exercises deduplication; all attempts form one operation of the
 * history.
 */
final class Workload {
  static final String NAMESPACE = "ns";
  private static final int MAX_ATTEMPTS = 4;

  private final class Client {
    final int id;
    HistoryOp op;
    long requestId;
    int attempts;
    /** An earlier attempt of the current write timed out: it may still take effect. */
    boolean maybeApplied;
    long handle;
    int counter;
    final Map<String, Long> lastVersion = new HashMap<>();
    final Map<String, Bytes> lastValue = new HashMap<>();

    Client(int id) {
      this.id = id;
    }
  }

  private final Simulation sim;
  private final List<String> keys;
  final List<HistoryOp> history = new ArrayList<>();
  private final List<Client> clients = new ArrayList<>();
  private final Map<Long, Client> byHandle = new HashMap<>();
  private long nextHandle = 1;
  private long nextRequestId = 1;
  private boolean issuing = true;

  Workload(Simulation sim) {
    this.sim = sim;
    this.keys = sim.directory.keys();
    for (int c = 0; c < sim.cfg.clients(); c++) {
      clients.add(new Client(c));
    }
  }

  void start() {
    for (Client c : clients) {
      sim.schedule(sim.now + sim.rnd.nextInt(20), () -> nextOp(c));
    }
  }

  void stopIssuing() {
    issuing = false;
  }

  boolean idle() {
    for (Client c : clients) {
      if (c.op != null) {
        return false;
      }
    }
    return true;
  }

  private void nextOp(Client c) {
    if (!issuing) {
      return;
    }
    String key = keys.get(sim.rnd.nextInt(keys.size()));
    int roll = sim.rnd.nextInt(100);
    HistoryOp.Kind kind = roll < 30 ? HistoryOp.Kind.GET : roll < 50 ? HistoryOp.Kind.PUT
        : roll < 65 ? HistoryOp.Kind.PUT_IF_ABSENT : roll < 75 ? HistoryOp.Kind.DELETE : HistoryOp.Kind.CAS;
    Bytes value = Bytes.utf8("c" + c.id + "-" + (++c.counter));
    if (kind == HistoryOp.Kind.PUT_IF_ABSENT && sim.rnd.nextBoolean() && c.lastValue.containsKey(key)) {
      value = c.lastValue.get(key);
    }
    long last = c.lastVersion.getOrDefault(key, 0L);
    int pick = sim.rnd.nextInt(100);
    long expected = pick < 70 ? last : pick < 85 ? 0 : last + 1;
    c.op = new HistoryOp(history.size(), c.id, key, kind, value, expected, sim.nextLogicalTime());
    c.requestId = nextRequestId++;
    c.op.requestId = c.requestId;
    c.attempts = 0;
    c.maybeApplied = false;
    history.add(c.op);
    attempt(c);
  }

  private void attempt(Client c) {
    HistoryOp op = c.op;
    long handle = nextHandle++;
    byHandle.put(handle, c);
    c.handle = handle;
    c.attempts++;
    long deadline = sim.now + sim.cfg.minDeadlineMillis()
        + sim.rnd.nextInt((int) (sim.cfg.maxDeadlineMillis() - sim.cfg.minDeadlineMillis()) + 1);
    Bytes key = Bytes.utf8(op.key);
    if (op.kind == HistoryOp.Kind.GET) {
      List<SimNode> servers = sim.directory.readableReplicas(op.key);
      if (servers.isEmpty()) {
        // Every replica refuses it (UNAVAILABLE): none holds its lease.
        byHandle.remove(handle);
        complete(c, HistoryOp.Status.NO_EFFECT);
        return;
      }
      SimNode at = servers.get(sim.rnd.nextInt(servers.size()));
      sim.submit(at, new ClientCommand.Read(handle, NAMESPACE, key, deadline));
    } else {
      SimNode at = sim.nodes.get(sim.rnd.nextInt(sim.nodes.size()));
      // Routed by the coordinating node's view of the directory, as a dkv node does: a stale view
      // gives the key's stale participants (replicas, learner, leaving nodes) and epoch.
      List<String> participants = sim.directory.participants(op.key, at.knownEpoch);
      sim.submit(at, new ClientCommand.Write(handle, c.requestId, NAMESPACE, key, mutation(op),
          participants, sim.directory.keyEpoch(op.key, at.knownEpoch), deadline));
    }
    // A client waits a little past its deadline for the answer, then gives up (the node may be down).
    sim.schedule(deadline + 2 * sim.cfg.tickMillis() + sim.cfg.maxDelayMillis() + 50, () -> {
      if (c.handle == handle && c.op == op) {
        byHandle.remove(handle);
        failed(c, ErrorCode.TIMEOUT);
      }
    });
  }

  private static Mutation mutation(HistoryOp op) {
    return switch (op.kind) {
      case PUT -> new Mutation.Put(op.value);
      case PUT_IF_ABSENT -> new Mutation.PutIfAbsent(op.value);
      case DELETE -> new Mutation.Delete();
      case CAS -> new Mutation.CompareAndSet(op.expectedVersion, op.value);
      case GET -> throw new IllegalArgumentException("not a write");
    };
  }

  void onResult(ClientResult r) {
    Client c = byHandle.remove(r.handle());
    if (c == null || c.handle != r.handle() || c.op == null) {
      return;
    }
    switch (r) {
      case ClientResult.ReadValue v -> {
        c.op.found = v.found();
        c.op.readValue = v.value();
        c.op.version = v.version();
        complete(c, HistoryOp.Status.OK);
      }
      case ClientResult.Written w -> {
        c.op.version = w.version();
        complete(c, switch (w.status()) {
          case OK -> HistoryOp.Status.OK;
          case CONDITION_FAILED -> HistoryOp.Status.CONDITION_FAILED;
          case NOT_FOUND -> HistoryOp.Status.NOT_FOUND;
        });
      }
      case ClientResult.Failed f -> failed(c, f.code());
      case ClientResult.Copied copied -> throw new IllegalStateException("no client copies: " + copied);
      case ClientResult.Installed i -> throw new IllegalStateException("no client installs: " + i);
    }
  }

  private void failed(Client c, ErrorCode code) {
    if (code != ErrorCode.TIMEOUT && code != ErrorCode.LOCK_CONFLICT && code != ErrorCode.STALE_EPOCH) {
      throw new AssertionError("unexpected failure " + code + " for " + c.op);
    }
    if (code == ErrorCode.STALE_EPOCH) {
      sim.stats.staleEpochRefusals++;
    }
    if (c.op.kind == HistoryOp.Kind.GET) {
      complete(c, HistoryOp.Status.NO_EFFECT);
      return;
    }
    if (code == ErrorCode.TIMEOUT) {
      c.maybeApplied = true;
    }
    if (c.attempts < MAX_ATTEMPTS && sim.rnd.nextInt(10) < 6) {
      c.handle = 0;
      sim.schedule(sim.now + sim.rnd.nextInt(30), () -> attempt(c));
    } else {
      complete(c, c.maybeApplied ? HistoryOp.Status.UNKNOWN : HistoryOp.Status.NO_EFFECT);
    }
  }

  private void complete(Client c, HistoryOp.Status status) {
    HistoryOp op = c.op;
    op.status = status;
    if (status != HistoryOp.Status.UNKNOWN) {
      op.returnedAt = sim.nextLogicalTime();
    }
    switch (status) {
      case OK -> {
        sim.stats.opsOk++;
        if (op.kind != HistoryOp.Kind.GET) {
          sim.invariants.onWriteAcknowledged(op);
          c.lastValue.put(op.key, op.value);
        } else if (op.found) {
          c.lastValue.put(op.key, op.readValue);
        }
        c.lastVersion.put(op.key, op.kind == HistoryOp.Kind.DELETE ? 0 : op.version);
      }
      case CONDITION_FAILED -> {
        sim.stats.opsConditionFailed++;
        c.lastVersion.put(op.key, op.version);
      }
      case NOT_FOUND -> {
        sim.stats.opsNotFound++;
        c.lastVersion.put(op.key, 0L);
      }
      case UNKNOWN -> sim.stats.opsUnknown++;
      case NO_EFFECT -> sim.stats.opsNoEffect++;
      case PENDING -> throw new IllegalStateException("complete with PENDING");
    }
    c.op = null;
    c.handle = 0;
    sim.schedule(sim.now + sim.rnd.nextInt(20), () -> nextOp(c));
  }
}
