package io.dkv.server;

import io.dkv.core.storage.Storage;
import io.dkv.core.twopc.Output;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

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
 */
final class SyncStage implements AutoCloseable {
  private static final int CAPACITY = 4096;

  private final Storage storage;
  private final Consumer<Output> dispatch;
  private final Consumer<Throwable> onFailure;
  private final BlockingQueue<Output> queue = new ArrayBlockingQueue<>(CAPACITY);
  private final Thread thread;
  private volatile boolean running = true;

  /**
   * @param dispatch  sends an output's messages and delivers its results (called on this thread)
   * @param onFailure called once when a sync fails: the node must stop
   */
  SyncStage(String nodeId, Storage storage, Consumer<Output> dispatch, Consumer<Throwable> onFailure) {
    this.storage = storage;
    this.dispatch = dispatch;
    this.onFailure = onFailure;
    this.thread = Thread.ofPlatform().name("dkv-sync-" + nodeId).start(this::run);
  }

  /** Queues an output; blocks while the stage is {@link #CAPACITY} outputs behind (back-pressure). */
  void submit(Output out) throws InterruptedException {
    queue.put(out);
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
        batch.forEach(dispatch);
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
    thread.interrupt();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
