package io.dkv.server;

import io.dkv.core.eventual.EventualCommand;
import io.dkv.core.eventual.EventualNode;
import io.dkv.core.eventual.EventualOutput;
import io.dkv.core.eventual.EventualResult;
import io.dkv.core.eventual.HintStats;
import io.dkv.core.eventual.QuorumEnvelope;
import io.dkv.core.eventual.QuorumMessage;
import io.dkv.core.eventual.ReadRepair;
import io.dkv.core.storage.Storage;
import io.dkv.protocol.ErrorCode;
import io.dkv.rpc.RpcException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the eventual namespaces' core ({@link EventualNode}) on a thread of its own, the only one
 * that touches it, as {@link CoreLoop} drives the two-phase-commit core beside it.
 *
 * <p>Group commit without a pipeline: the loop takes every event that is waiting (up to
 * {@link #MAX_BATCH}), steps the core for each, then, if any step asked for it, syncs once, and
 * only then sends the messages, answers the clients and starts the read repairs, in step order
 * (persist, then send: docs/eventual.md §1). Events that arrive during the sync wait for the next
 * batch, so under load one fsync covers many of them.
 *
 * <p>Repair (docs/eventual.md §10): {@link EventualRepairs} submits anti-entropy sessions as
 * commands and purge rounds through {@link #purge}; both are steps of this loop like any other.
 *
 * <p>Read repair (docs/eventual.md §5): for each {@link ReadRepair} the newest value goes to the
 * stale and silent replicas as a write, after the read's answer has left, so the reply never waits
 * for it; their acknowledgements find no write under way and are dropped.
 *
 * <p>Hinted handoff (docs/eventual.md §4.1) needs nothing of the loop but ticks, and
 * {@link #dropHintsFor} at every directory change; the core's hint counters are published after
 * each batch for other threads ({@link #hintStats}).
 *
 * <p>Time: the wall clock ({@link #wallMillis}), for the core's hybrid clock, its timers and the
 * requests' deadlines alike.
 *
 * <p>A message that cannot be handed over is logged and skipped: the quorum protocol re-sends what
 * a client waits for, and a lost repair is only a repair not done.
 */
final class EventualLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventualLoop.class);
  static final int MAX_BATCH = 4096;
  static final int INBOX_CAPACITY = 65_536;

  private sealed interface Event {
    record Client(EventualCommand command) implements Event {}

    record Peer(QuorumMessage message) implements Event {}

    record DropHints(Set<String> removedNodes) implements Event {}

    record Purge(String namespace, int partition, List<String> replicas) implements Event {}
  }

  /** A client's request waiting for its result; writes and reads fail differently at a stop. */
  private record Pending(CompletableFuture<EventualResult> result, boolean write) {}

  private final String nodeId;
  private final EventualNode core;
  private final Storage storage;
  private final BiConsumer<String, QuorumMessage> network;
  private final Consumer<Throwable> onFatal;
  private final BlockingQueue<Event> inbox = new ArrayBlockingQueue<>(INBOX_CAPACITY);
  private final Map<Long, Pending> waiting = new ConcurrentHashMap<>();
  private final AtomicLong nextHandle = new AtomicLong(1);
  private final AtomicLong repairsSent = new AtomicLong();
  /** The core's hint counters after the last batch, for other threads (the core is this loop's alone). */
  private volatile HintStats hintStats;
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param network sends a message to another node (never blocks)
   * @param onFatal called once, from the loop, when the disk fails or the core breaks an
   *                invariant: the node must stop
   */
  EventualLoop(String nodeId, EventualNode core, Storage storage, BiConsumer<String, QuorumMessage> network,
               Consumer<Throwable> onFatal) {
    this.nodeId = nodeId;
    this.core = core;
    this.storage = storage;
    this.network = network;
    this.onFatal = onFatal;
    this.hintStats = core.hintStats();
    this.thread = Thread.ofPlatform().name("dkv-eventual-" + nodeId).start(this::run);
  }

  /**
   * Hands a client command to the core; {@code make} receives the handle to put in it. Fails at
   * once with BUSY when the inbox is full or the loop has stopped.
   */
  CompletableFuture<EventualResult> submit(LongFunction<EventualCommand> make) {
    long handle = nextHandle.getAndIncrement();
    EventualCommand command = make.apply(handle);
    CompletableFuture<EventualResult> result = new CompletableFuture<>();
    waiting.put(handle, new Pending(result, command instanceof EventualCommand.Write));
    if (!running || !inbox.offer(new Event.Client(command))) {
      waiting.remove(handle);
      result.completeExceptionally(new RpcException(ErrorCode.BUSY, running
          ? "node " + nodeId + " is overloaded: " + INBOX_CAPACITY + " eventual requests queued"
          : "node " + nodeId + " is shutting down"));
    }
    return result;
  }

  /** Hands a peer message to the core; dropped when the inbox is full (the protocol re-sends). */
  void deliver(QuorumMessage message) {
    if (running && !inbox.offer(new Event.Peer(message))) {
      log.warn("eventual inbox full; dropped {} from {}", message.getClass().getSimpleName(), message.from());
    }
  }

  /**
   * Drops the hints this node holds for nodes that have left the cluster (on the loop's thread, in
   * turn with the other events); never blocks. With the inbox full, they wait for the next directory
   * change, a restart or their maximum age.
   */
  void dropHintsFor(Set<String> removedNodes) {
    if (!removedNodes.isEmpty() && running && !inbox.offer(new Event.DropHints(Set.copyOf(removedNodes)))) {
      log.warn("eventual inbox full; the hints held for removed nodes {} wait for the next directory change,"
          + " a restart or their maximum age", removedNodes);
    }
  }

  /** What the node's hint holder holds and has done, as of the loop's last batch or tick. */
  HintStats hintStats() {
    return hintStats;
  }

  /** Starts a tombstone purge round for a partition (docs/eventual.md §10); dropped when the inbox is full. */
  void purge(String namespace, int partition, List<String> replicas) {
    if (running && !inbox.offer(new Event.Purge(namespace, partition, List.copyOf(replicas)))) {
      log.warn("eventual inbox full; skipped a purge round of {} partition {}", namespace, partition);
    }
  }

  /** Repair writes sent so far (one per replica repaired), for operators and tests. */
  long repairsSent() {
    return repairsSent.get();
  }

  private void run() {
    try {
      long lastTick = nowMillis();
      ArrayDeque<Event> batch = new ArrayDeque<>();
      while (running) {
        Event head = inbox.poll(CoreLoop.TICK_MILLIS, TimeUnit.MILLISECONDS);
        EventualOutput out = new EventualOutput();
        if (head != null) {
          batch.add(head);
          inbox.drainTo(batch, MAX_BATCH - 1);
          long now = nowMillis();
          for (Event e; (e = batch.poll()) != null; ) {
            out.merge(step(e, now));
          }
        }
        long now = nowMillis();
        if (now - lastTick >= CoreLoop.TICK_MILLIS) {
          out.merge(core.tick(now));
          lastTick = now;
        }
        if (out.syncNeeded()) {
          storage.sync();
        }
        dispatch(out);
        hintStats = core.hintStats();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) { // the disk failed or the core broke an invariant: stop serving
      running = false;
      log.error("node {} stops: its eventual core failed: {}", nodeId, t.toString(), t);
      failAll("node " + nodeId + " failed: " + t.getMessage());
      onFatal.accept(t);
    }
  }

  /** One step, guarded as {@link CoreLoop}'s are ({@link CoreLoops#step}). */
  private EventualOutput step(Event e, long now) {
    return switch (e) {
      case Event.Peer p -> CoreLoops.step(() -> core.onMessage(p.message(), now),
          CoreLoops.describe(p.message(), p.message().from()), null);
      case Event.DropHints d -> {
        core.dropHintsFor(d.removedNodes());
        yield new EventualOutput();
      }
      case Event.Purge p -> core.purgeTombstones(p.namespace(), p.partition(), p.replicas(), now);
      case Event.Client c -> CoreLoops.step(() -> core.onClient(c.command(), now), null, bug -> {
        log.error("node {}: an eventual {} failed with an unexpected error", nodeId,
            c.command().getClass().getSimpleName(), bug);
        fail(c.command().handle(), new RpcException(ErrorCode.INTERNAL, "node " + nodeId
            + " failed to process the request: " + bug));
        return new EventualOutput();
      });
    };
  }

  /** Messages, then answers, then repairs: the output's order (its writes are durable now). */
  private void dispatch(EventualOutput out) {
    for (QuorumEnvelope e : out.messages()) {
      send(e.to(), e.message());
    }
    for (EventualResult r : out.results()) {
      Pending p = waiting.remove(r.handle());
      if (p != null) {
        p.result().complete(r);
      }
    }
    for (ReadRepair repair : out.repairs()) {
      QuorumMessage write = new QuorumMessage.WriteRequest(nodeId, repair.namespace(), repair.key(), repair.newest());
      Stream.concat(repair.stale().stream(), repair.silent().stream()).forEach(replica -> {
        repairsSent.incrementAndGet();
        send(replica, write);
      });
    }
  }

  /** Messages to this node go through the inbox, as if they came over the wire. */
  private void send(String to, QuorumMessage m) {
    if (to.equals(nodeId)) {
      deliver(m);
      return;
    }
    try {
      network.accept(to, m);
    } catch (RuntimeException e) {
      log.warn("node {}: could not send {} to {}; skipped it", nodeId, m.getClass().getSimpleName(), to, e);
    }
  }

  private void fail(long handle, RpcException e) {
    Pending p = waiting.remove(handle);
    if (p != null) {
      p.result().completeExceptionally(e);
    }
  }

  /**
   * Answers every waiting request at a stop. A write may already be on some replicas, which keep
   * it: its outcome is unknown (TIMEOUT, retry with the same request id). A read changed nothing.
   */
  private void failAll(String why) {
    for (Long h : List.copyOf(waiting.keySet())) {
      Pending p = waiting.get(h);
      if (p != null) {
        fail(h, p.write()
            ? new RpcException(ErrorCode.TIMEOUT, why + "; the write's outcome is unknown (some replicas"
                + " may hold it); retry with the same request id")
            : new RpcException(ErrorCode.UNAVAILABLE, why));
      }
    }
  }

  private static long nowMillis() {
    return wallMillis();
  }

  /**
   * The clock the eventual core runs on: the wall clock, milliseconds since the Unix epoch, which
   * its hybrid clock needs (versions of different nodes are compared, and a version too far ahead
   * of a replica's wall clock is refused). Not {@link NodeClock#nowMillis}, whose origin is
   * arbitrary, but {@link NodeClock#wallMillis}, which the fault suite's clock skew reaches too.
   */
  static long wallMillis() {
    return NodeClock.wallMillis();
  }

  @Override
  public void close() {
    running = false;
    CoreLoops.stop(thread);
    failAll("node " + nodeId + " is shutting down");
  }
}
