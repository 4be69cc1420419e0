package io.dkv.server;

import io.dkv.core.storage.Storage;
import io.dkv.core.twopc.ClientCommand;
import io.dkv.core.twopc.ClientResult;
import io.dkv.core.twopc.Envelope;
import io.dkv.core.twopc.NodeStats;
import io.dkv.core.twopc.PartitionEpochs;
import io.dkv.core.twopc.Output;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.PeerMessage;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the pure protocol core ({@link ProtocolCore}) on one thread: the only thread that touches it.
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

  /** A client's request waiting for its result; writes and reads fail differently at a stop. */
  private record Pending(CompletableFuture<ClientResult> result, boolean write) {}

  private final String nodeId;
  private final ProtocolCore core;
  private final Storage storage;
  private final BiConsumer<String, List<PeerMessage>> network;
  private final Consumer<Throwable> onFatal;
  private final BlockingQueue<Event> inbox = new ArrayBlockingQueue<>(INBOX_CAPACITY);
  private final Map<Long, Pending> waiting = new ConcurrentHashMap<>();
  private final AtomicLong nextHandle = new AtomicLong(1);
  private final Thread thread;
  private volatile boolean running = true;
  private boolean failed;
  private final SyncStage syncStage;
  private final CompletableFuture<Void> started = new CompletableFuture<>();
  /** The core's counters as of the end of the last batch; published for other threads. */
  private volatile NodeStats stats;
  /** The newest partition epochs handed in, and the ones the core has (loop thread only). */
  private volatile PartitionEpochs newestEpochs = PartitionEpochs.NONE;
  /** Whether the node holds its read lease: true until {@link #readLeaseFrom} says otherwise. */
  private volatile BooleanSupplier lease = () -> true;
  private PartitionEpochs coreEpochs;

  /**
   * @param network sends messages, in order, to another node (never blocks)
   * @param onFatal called once, from the loop or the sync thread, when the disk fails or the core
   *                breaks an invariant: the node must stop
   */
  CoreLoop(String nodeId, ProtocolCore core, Storage storage, BiConsumer<String, List<PeerMessage>> network,
           Consumer<Throwable> onFatal) {
    this.nodeId = nodeId;
    this.core = core;
    this.storage = storage;
    this.network = network;
    this.onFatal = onFatal;
    this.thread = Thread.ofPlatform().name("dkv-core-" + nodeId).unstarted(this::run);
    this.syncStage = new SyncStage(nodeId, storage, this::route, this::answer, this::fail);
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
    ClientCommand command = make.apply(handle);
    CompletableFuture<ClientResult> result = new CompletableFuture<>();
    waiting.put(handle, new Pending(result, command instanceof ClientCommand.Write));
    if (!running || !inbox.offer(new Event.Client(command))) {
      waiting.remove(handle);
      result.complete(new ClientResult.Failed(handle, ErrorCode.BUSY,
          running ? "node " + nodeId + " is overloaded: " + INBOX_CAPACITY + " requests queued"
                  : "node " + nodeId + " is shutting down"));
    }
    return result;
  }

  /**
   * The partition epochs of the node's newest directory view. The core takes them before its next
   * batch of events (within a tick), never in the middle of one; a newer call replaces an older
   * one not yet taken, so none is queued behind the inbox.
   */
  void configure(PartitionEpochs epochs) {
    newestEpochs = epochs;
  }

  /**
   * Where the core learns whether the node holds its read lease: asked before every batch (the
   * lease may run out between two, which the margin between lease and eviction absorbs).
   */
  void readLeaseFrom(BooleanSupplier lease) {
    this.lease = lease;
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
      syncStage.dispatch(first);
      stats = core.stats();
      started.complete(null);
      long lastTick = nowMillis();
      ArrayDeque<Event> batch = new ArrayDeque<>();
      while (running) {
        Event head = inbox.poll(TICK_MILLIS, TimeUnit.MILLISECONDS);
        PartitionEpochs epochs = newestEpochs;
        if (epochs != coreEpochs) {
          core.configure(epochs);
          coreEpochs = epochs;
        }
        core.setReadLease(lease.getAsBoolean());
        Output out = new Output();
        if (head != null) {
          batch.add(head);
          inbox.drainTo(batch, MAX_BATCH - 1);
          long now = nowMillis();
          List<ClientCommand> clients = new ArrayList<>();
          while (!batch.isEmpty()) {
            for (Event e; (e = batch.poll()) != null; ) {
              if (e instanceof Event.Client c) {
                clients.add(c.command()); // stepped together below, so that writes share transactions
              } else {
                take(step((Event.Peer) e, now), out, batch);
              }
            }
            if (!clients.isEmpty()) {
              take(stepClients(clients, now), out, batch);
              clients.clear();
            }
          }
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
   * node, and so does any other exception from a peer message or a tick.
   *
   * <p>Why a bug in a peer-message step stops the node: such a step changes participant and
   * coordinator state on disk and in memory together (a PREPARED record and its lock, a decision
   * and its collected votes). Thrown half-way, it may leave the two disagreeing, and nothing later
   * repairs the memory side; syncing its writes would only make the half-done step durable.
   * Stopping is always safe: it is a crash at this instant, which recovery handles by rebuilding
   * memory from the journal, and persist-then-send means nothing of the failed step has left.
   *
   * <p>A bug in a client step fails its requests with INTERNAL and the node keeps serving: a
   * client step only opens coordinator entries or parks reads, which their deadlines clear. Its
   * output still requires a sync, because the step may have written a batch before it threw and a
   * later step may answer from that write: nothing after it leaves before that write is durable.
   */
  private Output step(Event.Peer p, long now) {
    return CoreLoops.step(() -> core.onMessage(p.message(), now),
        CoreLoops.describe(p.message(), p.message().from()), null);
  }

  /** The client commands of a batch, in one step (see the bugs of a client step above). */
  private Output stepClients(List<ClientCommand> commands, long now) {
    return CoreLoops.step(() -> core.onClients(commands, now), null, bug -> {
      log.error("node {}: {} client commands failed with an unexpected error; they are answered INTERNAL",
          nodeId, commands.size(), bug);
      Output failed = new Output().requireSync();
      for (ClientCommand c : commands) {
        failed.reply(new ClientResult.Failed(c.handle(), ErrorCode.INTERNAL,
            "node " + nodeId + " failed to process the request: " + bug));
      }
      return failed;
    });
  }

  /** A step's output: leaves at once by the fast path if it can, else joins the batch's output. */
  private void take(Output stepped, Output out, ArrayDeque<Event> batch) {
    if (out.isEmpty() && !stepped.syncNeeded() && syncStage.idle()) {
      sendNow(stepped, batch);
    } else {
      out.merge(stepped);
    }
  }

  /**
   * The fast path, for an output that waits for no sync: nothing of this batch is held back for
   * one and the sync stage has dispatched everything before it, so it may leave at once from this
   * thread, in order. Messages to this node join the current batch instead of the inbox. Under
   * load the stage is rarely idle and outputs take the pipeline; a lone request saves the hand-offs
   * through the sync thread and the inbox for every step that writes nothing durable (the PREPAREs
   * a write starts with, the commit decision, the client's answer, the FORGETs).
   */
  private void sendNow(Output out, ArrayDeque<Event> batch) {
    Output leaving = new Output();
    for (Envelope e : out.messages()) {
      if (e.to().equals(nodeId)) {
        batch.add(new Event.Peer(e.message()));
      } else {
        leaving.send(e);
      }
    }
    out.results().forEach(leaving::reply);
    syncStage.dispatch(leaving);
  }

  /** Sends messages; those to this node go through the inbox, as if they came over the wire. */
  private void route(String to, List<PeerMessage> messages) {
    if (to.equals(nodeId)) {
      messages.forEach(this::deliver);
    } else {
      network.accept(to, messages);
    }
  }

  private void answer(ClientResult r) {
    Pending p = waiting.remove(r.handle());
    if (p != null) {
      p.result().complete(r);
    }
  }

  /**
   * Answers every waiting request at a stop. A write's outcome is unknown: it may have prepared
   * everywhere and then commits through the participants' termination protocol, so it gets
   * TIMEOUT, which tells the client to retry with the same request id rather than assume nothing
   * happened. A read changed nothing, so UNAVAILABLE is exact.
   */
  private void failAll(String why) {
    for (Long h : List.copyOf(waiting.keySet())) {
      Pending p = waiting.remove(h);
      if (p != null) {
        p.result().complete(p.write()
            ? new ClientResult.Failed(h, ErrorCode.TIMEOUT, why + "; the write's outcome is"
                + " unknown (it may still commit); retry with the same request id")
            : new ClientResult.Failed(h, ErrorCode.UNAVAILABLE, why));
      }
    }
  }

  static long nowMillis() {
    return NodeClock.nowMillis();
  }

  /** The core's counters as of its last batch (safe from any thread). */
  NodeStats stats() {
    return stats;
  }

  @Override
  public void close() {
    running = false;
    syncStage.close();
    CoreLoops.stop(thread);
    failAll("node " + nodeId + " is shutting down");
  }
}
