package io.dkv.server;

import io.dkv.core.storage.Storage;
import io.dkv.core.storage.StorageException;
import io.dkv.core.twopc.ClientCommand;
import io.dkv.core.twopc.ClientResult;
import io.dkv.core.twopc.CorruptRecordException;
import io.dkv.core.twopc.Envelope;
import io.dkv.core.twopc.NodeStats;
import io.dkv.core.twopc.Output;
import io.dkv.core.twopc.TwoPhaseNode;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.PeerMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the pure {@link TwoPhaseNode} on one thread: the only thread that touches it.
 *
 * <p>Group commit, pipelined. The loop takes every event that is waiting (up to
 * {@link #MAX_BATCH}), steps the core for each and hands the merged output to the
 * {@link SyncStage}, which syncs once for everything queued and only then sends the messages and
 * answers the clients, in order. While the stage syncs, this thread already steps the next events,
 * so under load one fsync covers many transactions and the core never waits for the disk; a lone
 * request pays one fsync and no waiting. Persist-then-send holds because nothing leaves before a
 * sync that started after its output was written.
 */
final class CoreLoop implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CoreLoop.class);
  static final int MAX_BATCH = 4096;
  static final int INBOX_CAPACITY = 65_536;
  static final long TICK_MILLIS = 10;

  private sealed interface Event {
    record Client(ClientCommand command) implements Event {}

    record Peer(PeerMessage message) implements Event {}
  }

  private final String nodeId;
  private final TwoPhaseNode core;
  private final Storage storage;
  private final Consumer<Envelope> network;
  private final Consumer<Throwable> onFatal;
  private final BlockingQueue<Event> inbox = new ArrayBlockingQueue<>(INBOX_CAPACITY);
  private final Map<Long, CompletableFuture<ClientResult>> waiting = new ConcurrentHashMap<>();
  private final AtomicLong nextHandle = new AtomicLong(1);
  private final Thread thread;
  private volatile boolean running = true;
  private boolean failed;
  private final SyncStage syncStage;
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  /** The core's counters as of the end of the last batch; published for other threads. */
  private volatile NodeStats stats;

  /**
   * @param network sends an envelope addressed to another node (never blocks)
   * @param onFatal called once, from the loop thread, when the disk fails: the node must stop
   */
  CoreLoop(String nodeId, TwoPhaseNode core, Storage storage, Consumer<Envelope> network,
           Consumer<Throwable> onFatal) {
    this.nodeId = nodeId;
    this.core = core;
    this.storage = storage;
    this.network = network;
    this.onFatal = onFatal;
    this.thread = Thread.ofPlatform().name("dkv-core-" + nodeId).unstarted(this::run);
    this.syncStage = new SyncStage(nodeId, storage, this::dispatch, this::fail);
  }

  /** Starts the loop: recovery first. The future completes once recovery is durable. */
  CompletableFuture<Void> start() {
    thread.start();
    return started;
  }

  /**
   * Hands a client command to the core. {@code make} receives the handle to put in the command.
   * Fails at once with BUSY when the inbox is full, rather than queueing without bound.
   */
  CompletableFuture<ClientResult> submit(LongFunction<ClientCommand> make) {
    long handle = nextHandle.getAndIncrement();
    CompletableFuture<ClientResult> result = new CompletableFuture<>();
    waiting.put(handle, result);
    if (!running || !inbox.offer(new Event.Client(make.apply(handle)))) {
      waiting.remove(handle);
      result.complete(new ClientResult.Failed(handle, ErrorCode.BUSY,
          running ? "node " + nodeId + " is overloaded: " + INBOX_CAPACITY + " requests queued"
                  : "node " + nodeId + " is shutting down"));
    }
    return result;
  }

  /** Hands a peer message to the core; dropped when the inbox is full (the sender retries). */
  void deliver(PeerMessage message) {
    if (running && !inbox.offer(new Event.Peer(message))) {
      log.warn("inbox full; dropped {} (its sender will retry)", message.getClass().getSimpleName());
    }
  }

  private void run() {
    try {
      Output first = core.start(nowMillis());
      storage.sync(); // the new incarnation is durable before any message of this process leaves
      dispatch(first);
      stats = core.stats();
      started.complete(null);
      long lastTick = nowMillis();
      List<Event> batch = new ArrayList<>();
      while (running) {
        Event head = inbox.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
        Output out = new Output();
        if (head != null) {
          batch.add(head);
          inbox.drainTo(batch, MAX_BATCH - 1);
          long now = nowMillis();
          for (Event e : batch) {
            out.merge(step(e, now));
          }
          batch.clear();
        }
        long now = nowMillis();
        if (now - lastTick >= TICK_MILLIS) {
          out.merge(core.tick(now));
          lastTick = now;
        }
        if (!out.isEmpty()) {
          syncStage.submit(out);
        }
        stats = core.stats();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) { // the disk failed or the core broke an invariant: stop serving
      fail(t);
    }
  }

  private void fail(Throwable t) {
    synchronized (this) {
      if (failed) {
        return;
      }
      failed = true;
    }
    log.error("node {} stops: {}", nodeId, t.toString(), t);
    running = false;
    started.completeExceptionally(t);
    failAll("node " + nodeId + " failed: " + t.getMessage());
    onFatal.accept(t);
  }

  /**
   * One step of the core. The core's own "must stop" signals (a failed disk, an unreadable record,
   * a broken invariant: StorageException, CorruptRecordException, IllegalStateException) stop the
   * node. Any other exception is a bug confined
   * to one input: that request fails with INTERNAL and the node keeps serving everyone else.
   */
  private Output step(Event e, long now) {
    try {
      return switch (e) {
        case Event.Client c -> core.onClient(c.command(), now);
        case Event.Peer p -> core.onMessage(p.message(), now);
      };
    } catch (StorageException | IllegalStateException | CorruptRecordException fatal) {
      throw fatal;
    } catch (RuntimeException bug) {
      log.error("node {}: a {} failed with an unexpected error; it is dropped", nodeId,
          e.getClass().getSimpleName(), bug);
      Output out = new Output();
      if (e instanceof Event.Client c) {
        out.reply(new ClientResult.Failed(c.command().handle(), ErrorCode.INTERNAL,
            "node " + nodeId + " failed to process the request: " + bug));
      }
      return out;
    }
  }

  private void dispatch(Output out) {
    for (Envelope e : out.messages()) {
      if (e.to().equals(nodeId)) {
        deliver(e.message()); // to ourselves: through the inbox, as if it came over the wire
      } else {
        network.accept(e);
      }
    }
    for (ClientResult r : out.results()) {
      CompletableFuture<ClientResult> f = waiting.remove(r.handle());
      if (f != null) {
        f.complete(r);
      }
    }
  }

  private void failAll(String why) {
    for (Long h : List.copyOf(waiting.keySet())) {
      CompletableFuture<ClientResult> f = waiting.remove(h);
      if (f != null) {
        f.complete(new ClientResult.Failed(h, ErrorCode.UNAVAILABLE, why));
      }
    }
  }

  static long nowMillis() {
    return System.nanoTime() / 1_000_000;
  }

  /** The core's counters as of its last batch (safe from any thread). */
  NodeStats stats() {
    return stats;
  }

  @Override
  public void close() {
    running = false;
    syncStage.close();
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    failAll("node " + nodeId + " is shutting down");
  }
}
