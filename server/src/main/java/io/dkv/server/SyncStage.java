package io.dkv.server;

import io.dkv.core.storage.Storage;
import io.dkv.core.twopc.ClientResult;
import io.dkv.core.twopc.Envelope;
import io.dkv.core.twopc.Output;
import io.dkv.protocol.PeerMessage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second stage of the node's pipeline: makes the core's outputs durable, then lets them
 * leave, in the order the core produced them.
 *
 * <p>Why a stage of its own: an fsync takes hundreds of microseconds. On the core's thread it would
 * stall every protocol step for that long; here the core goes on stepping the next events while
 * this thread syncs, and one sync covers every output queued meanwhile (group commit).
 *
 * <p>Persist-then-send: the core has already written each output's batches (visible, not yet
 * durable) before handing the output over. This thread takes every queued output, and only then
 * calls {@code Storage.sync()}, which makes every write made before it durable; so each output's
 * writes are durable before the output's messages and replies leave. Outputs that need no sync of
 * their own still wait behind earlier ones, because a later step may answer from an earlier step's
 * unsynced write.
 *
 * <p>A message or reply that cannot be handed over (an unknown node id, an RPC client that is
 * closing) is logged, counted and skipped; the rest of the batch still leaves. Dropping one is
 * safe: peer messages are best effort and the protocol re-sends what matters, and a client whose
 * reply is lost times out. Only a failed sync stops the node.
 */
final class SyncStage implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyncStage.class);
  private static final int CAPACITY = 4096;
  /** At most one warning per interval about undeliverable outputs, so a storm cannot flood the log. */
  private static final long FAILURE_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final String nodeId;
  private final Storage storage;
  private final BiConsumer<String, List<PeerMessage>> send;
  private final Consumer<ClientResult> answer;
  private final Consumer<Throwable> onFailure;
  private final BlockingQueue<Output> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Thread thread;
  /** Outputs submitted and not yet dispatched. */
  private final AtomicInteger unfinished = new AtomicInteger();
  private final AtomicLong dispatchFailures = new AtomicLong();
  /** Guarded by {@code this}: when the last warning was logged and how many failures it covered. */
  private long lastWarningNanos;
  private long failuresAtLastWarning;
  private volatile boolean running = true;

  /**
   * @param send      hands a message to the network or back to the core (called on this thread;
   *                  must not block)
   * @param answer    completes a client's waiting request (called on this thread)
   * @param onFailure called once when a sync fails: the node must stop
   */
  SyncStage(String nodeId, Storage storage, BiConsumer<String, List<PeerMessage>> send, Consumer<ClientResult> answer,
            Consumer<Throwable> onFailure) {
    this.nodeId = nodeId;
    this.storage = storage;
    this.send = send;
    this.answer = answer;
    this.onFailure = onFailure;
    this.thread = Thread.ofPlatform().name("dkv-sync-" + nodeId).start(this::run);
  }

  /** Queues an output; blocks while the stage is {@link #CAPACITY} outputs behind (back-pressure). */
  void submit(Output out) throws InterruptedException {
    unfinished.incrementAndGet();
    queue.put(out);
  }

  /**
   * Whether every output submitted so far has been synced and dispatched. Only the submitting
   * thread may act on a true answer: nothing else can make the stage busy again.
   */
  boolean idle() {
    return unfinished.get() == 0;
  }

  /** {@link #dispatch(List)} for one output. */
  void dispatch(Output out) {
    dispatch(List.of(out));
  }

  /**
   * Sends the outputs' messages, then delivers their results, without syncing: the caller has
   * made their writes durable. The messages to one node leave together, in output order (one
   * frame for many, where the network supports it), so per-node order is kept. One hand-over
   * that fails is logged and counted, and the others still go.
   */
  void dispatch(List<Output> outs) {
    Map<String, List<PeerMessage>> byNode = new LinkedHashMap<>();
    for (Output out : outs) {
      for (Envelope e : out.messages()) {
        byNode.computeIfAbsent(e.to(), to -> new ArrayList<>()).add(e.message());
      }
    }
    forEachSafely(List.copyOf(byNode.entrySet()), e -> send.accept(e.getKey(), e.getValue()),
        e -> e.getValue().size() + " message(s) to node " + e.getKey());
    for (Output out : outs) {
      forEachSafely(out.results(), answer, r -> "the answer to client request " + r.handle());
    }
  }

  /** Messages and replies that could not be handed over so far. */
  long dispatchFailures() {
    return dispatchFailures.get();
  }

  private <T> void forEachSafely(List<T> items, Consumer<T> action, Function<T, String> describe) {
    for (T item : items) {
      try {
        action.accept(item);
      } catch (RuntimeException e) {
        dispatchFailed(describe.apply(item), e);
      }
    }
  }

  private synchronized void dispatchFailed(String what, RuntimeException e) {
    long failures = dispatchFailures.incrementAndGet();
    long now = System.nanoTime();
    if (failuresAtLastWarning == 0 || now - lastWarningNanos >= FAILURE_LOG_INTERVAL_NANOS) {
      log.warn("node {}: could not hand over {} ({} such failure(s) since the last warning, {} in"
          + " all); skipped it and went on", nodeId, what, failures - failuresAtLastWarning, failures,
          e);
      lastWarningNanos = now;
      failuresAtLastWarning = failures;
    }
  }

  private void run() {
    List<Output> batch = new ArrayList<>();
    try {
      while (running) {
        Output first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        batch.add(first);
        queue.drainTo(batch);
        if (batch.stream().anyMatch(Output::syncNeeded)) {
          storage.sync();
        }
        dispatch(batch);
        unfinished.addAndGet(-batch.size());
        batch.clear();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      running = false;
      onFailure.accept(t);
    }
  }

  @Override
  public void close() {
    running = false;
    CoreLoops.stop(thread);
  }
}
