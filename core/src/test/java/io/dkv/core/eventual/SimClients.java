package io.dkv.core.eventual;

import io.dkv.core.eventual.EventualCommand.Change;
import io.dkv.protocol.Bytes;
import java.util.HashMap;
import java.util.Map;

/**
 * The clients of a simulation run: each issues one request at a time to a random node, with a
 * random W or R from 1 to N, and gives up on it after its deadline (plus the clocks' skew). A
 * write is retried with the same request id to the same coordinator process (never to a restarted
 * one, which no longer knows the request id): often after an incomplete answer, sometimes after
 * an acknowledgement (as if the answer had been lost), and only within
 * {@link EventualSimConfig#RETRY_WITHIN_MILLIS} of the first attempt (a client gives up at last).
 */
final class SimClients {
  /** One attempt of a request. {@code change} is null for a read. */
  private record Attempt(int client, int key, long requestId, Change change, int quorum, String coordinator,
                         long coordinatorGeneration, long startLogical, long firstAttemptMillis) {}

  private final EventualSim sim;
  private final Map<Long, Attempt> open = new HashMap<>();
  private long nextHandle;
  private long nextRequestId;
  private boolean issuing;

  SimClients(EventualSim sim) {
    this.sim = sim;
  }

  void start() {
    issuing = true;
    for (int c = 0; c < sim.cfg.clients(); c++) {
      int client = c;
      sim.schedule(sim.now + sim.rnd.nextInt(20), () -> issueNext(client));
    }
  }

  void stop() {
    issuing = false;
  }

  private void issueNext(int client) {
    if (!issuing) {
      return;
    }
    int key = sim.rnd.nextInt(sim.cfg.keys());
    String coordinator = sim.procs.get(sim.rnd.nextInt(sim.procs.size())).id;
    int quorum = 1 + sim.rnd.nextInt(EventualSimConfig.N);
    double dice = sim.rnd.nextDouble();
    long requestId = ++nextRequestId;
    // Every put writes a value of its own, so the store shows which request a value came from.
    Change change = dice < 0.45 ? new EventualCommand.Put(Bytes.utf8("r" + requestId))
        : dice < 0.55 ? new EventualCommand.Delete() : null;
    submit(new Attempt(client, key, requestId, change, quorum, coordinator, 0, 0, sim.now));
  }

  private void submit(Attempt a) {
    long handle = ++nextHandle;
    EventualSim.Proc coordinator = sim.proc(a.coordinator());
    Attempt attempt = new Attempt(a.client(), a.key(), a.requestId(), a.change(), a.quorum(), a.coordinator(),
        coordinator.generation, sim.nextLogicalTime(), a.firstAttemptMillis());
    open.put(handle, attempt);
    long timeout = sim.cfg.minTimeoutMillis() + sim.rnd.nextLong(sim.cfg.maxTimeoutMillis() - sim.cfg.minTimeoutMillis());
    long deadline = sim.wallOf(coordinator) + timeout;
    Bytes key = EventualSim.key(a.key());
    sim.submit(a.coordinator(), a.change() == null
        ? new EventualCommand.Read(handle, EventualSim.NAMESPACE, key, sim.replicasOf(a.key()), a.quorum(), deadline)
        : new EventualCommand.Write(handle, a.requestId(), EventualSim.NAMESPACE, key, a.change(),
            sim.replicasOf(a.key()), a.quorum(), deadline, sim.fallbacksOf(a.key()), sim.downReplicasOf(a.key())));
    // The client's own timer: the coordinator may be down or crash, and clocks are skewed.
    sim.schedule(sim.now + timeout + 2 * sim.cfg.maxSkewMillis() + 50, () -> {
      if (open.remove(handle) != null) {
        sim.stats.clientTimeouts++;
        issueNext(a.client());
      }
    });
  }

  void onResult(EventualResult r) {
    Attempt a = open.remove(r.handle());
    if (a == null) {
      return; // the client gave up on it already
    }
    Bytes key = EventualSim.key(a.key());
    boolean retry = false;
    switch (r) {
      case EventualResult.Written w -> {
        sim.stats.writesAcked++;
        sim.checker.onWriteAnswer(a.requestId(), w.version());
        sim.checker.onAcknowledged(key, w.version(), a.quorum());
        retry = sim.rnd.nextDouble() < 0.1;
        sim.stats.retriesAfterAck += retry ? 1 : 0;
      }
      case EventualResult.WriteIncomplete w -> {
        sim.stats.writesIncomplete++;
        sim.checker.onWriteAnswer(a.requestId(), w.version());
        retry = sim.rnd.nextDouble() < 0.6;
      }
      case EventualResult.ReadValue v -> {
        sim.stats.reads++;
        sim.checker.onRead(key, a.quorum(), a.startLogical(), v.newest());
      }
      case EventualResult.ReadIncomplete x -> sim.stats.readsIncomplete++;
      case EventualResult.Rejected x -> throw new AssertionError("a valid request was rejected: " + x);
      case EventualResult.Installed x -> throw new AssertionError("no client installs copies: " + x);
      case EventualResult.Repaired x -> throw new AssertionError("a client got a repair's result: " + x);
      case EventualResult.RepairFailed x -> throw new AssertionError("a client got a repair's result: " + x);
    }
    EventualSim.Proc coordinator = sim.proc(a.coordinator());
    boolean inWindow = sim.now - a.firstAttemptMillis() < EventualSimConfig.RETRY_WITHIN_MILLIS;
    if (retry && inWindow && coordinator.up && coordinator.generation == a.coordinatorGeneration()) {
      sim.stats.writeRetries++;
      // A retry may ask for another W: the version, not the quorum, makes it the same write.
      submit(new Attempt(a.client(), a.key(), a.requestId(), a.change(), 1 + sim.rnd.nextInt(EventualSimConfig.N),
          a.coordinator(), 0, 0, a.firstAttemptMillis()));
    } else {
      sim.schedule(sim.now + sim.rnd.nextInt(20), () -> issueNext(a.client()));
    }
  }
}
