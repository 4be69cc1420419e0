package io.dkv.server;

import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.NodeState;
import io.dkv.core.eventual.EventualCommand;
import io.dkv.core.eventual.EventualResult;
import io.dkv.core.eventual.StoredEntry;
import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.PartitionMove;
import io.dkv.core.twopc.ClientCommand;
import io.dkv.core.twopc.ClientResult;
import io.dkv.core.twopc.CopiedEntry;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.CopyRequest;
import io.dkv.protocol.ClientMessage.CopyResponse;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The learner's end of moving partitions (docs/directory.md §9): for every partition this node is
 * the learner of, copies the committed keys from a live replica, page by page, installs them
 * through the core, then copies the eventual namespaces' values the same way through the eventual
 * core (docs/eventual.md §9), and once a copy is complete and durable asks the directory to
 * promote it.
 * Partitions with the same source are copied in one stream, so the source walks its keys once for
 * all of them. Nothing of a copy is kept across a restart: installing is
 * idempotent (the newer version wins), so a restarted learner copies again from the start.
 *
 * <p>One thread of its own; it sleeps between attempts only while waiting for something else (a
 * view to catch up, a transaction to finish, a source to come back).
 */
final class CatchUp implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CatchUp.class);
  /** Partitions copied in one stream at most. */
  static final int MAX_BATCH = 128;
  static final int PAGE_ENTRIES = 512;
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  private static final long RETRY_MILLIS = 100;
  /** A held key is released within a transaction's few milliseconds, unless it is in doubt. */
  private static final long HELD_KEY_RETRY_MILLIS = 5;
  private static final long IDLE_WAIT_MILLIS = 1_000;

  /**
   * Partitions copied from one source in one stream, each with the epoch its move started at.
   * The copy is asked for the newest of those epochs: the source must know every one of the moves.
   */
  private record Batch(String source, Map<Integer, Long> moves) {
    long since() {
      return moves.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    List<Integer> partitions() {
      return List.copyOf(moves.keySet());
    }
  }

  private final String self;
  private final NodeDirectory directory;
  private final CoreLoop core;
  private final EventualLoop eventual;
  private final RpcClient peers;
  private final Thread thread;
  private final Object wakeup = new Object();
  private final AtomicLong keysCopied = new AtomicLong();
  private final AtomicLong partitionsPromoted = new AtomicLong();
  private volatile boolean running = true;

  CatchUp(String self, NodeDirectory directory, CoreLoop core, EventualLoop eventual, RpcClient peers) {
    this.self = self;
    this.directory = directory;
    this.core = core;
    this.eventual = eventual;
    this.peers = peers;
    this.thread = Thread.ofPlatform().daemon().name("dkv-catch-up-" + self).unstarted(this::run);
  }

  void start() {
    directory.onChange(view -> wake());
    thread.start();
  }

  /** What this node has done as a learner since it started: for MOVE_STATUS. */
  record Counters(long keysCopied, long partitionsPromoted) {}

  Counters counters() {
    return new Counters(keysCopied.get(), partitionsPromoted.get());
  }

  private void wake() {
    synchronized (wakeup) {
      wakeup.notifyAll();
    }
  }

  private void run() {
    while (running) {
      try {
        Batch batch = nextBatch(directory.current());
        if (batch == null) {
          synchronized (wakeup) {
            wakeup.wait(IDLE_WAIT_MILLIS);
          }
        } else {
          copy(batch);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException | ExecutionException e) {
        log.warn("node {}: copying partitions failed, trying again: {}", self, e.toString());
        pause(RETRY_MILLIS);
      }
    }
  }

  /**
   * The partitions this node learns that the source of the first one also has, up to {@link
   * #MAX_BATCH}; null if it learns none. One stream per source: each walks the source's keys once.
   */
  private Batch nextBatch(Cluster view) {
    PartitionMap map = view.map();
    Map<String, Map<Integer, Long>> bySource = new LinkedHashMap<>();
    for (int p : map.moving()) {
      PartitionMove move = map.set(p).move();
      String source = move.to().equals(self) ? sourceOf(view, p) : null;
      if (source != null) {
        Map<Integer, Long> moves = bySource.computeIfAbsent(source, k -> new LinkedHashMap<>());
        if (moves.size() < MAX_BATCH) {
          moves.put(p, move.since());
        }
      }
    }
    return bySource.entrySet().stream().findFirst()
        .map(e -> new Batch(e.getKey(), e.getValue())).orElse(null);
  }

  /** A replica of {@code p} that is up, preferring the first; null when none is. */
  private static String sourceOf(Cluster view, int p) {
    for (String replica : view.map().replicas(p)) {
      if (view.state().member(replica).map(m -> m.state() == NodeState.UP).orElse(false)) {
        return replica;
      }
    }
    return null;
  }

  /**
   * Copies one batch to the end, then asks for each partition's promotion. Gives up (to plan
   * again from the newest view) when the moves change under it or the source stops answering.
   */
  private void copy(Batch batch) throws InterruptedException, ExecutionException {
    log.info("node {}: copying {} partitions from {} (moves started by epoch {}): {}", self,
        batch.moves().size(), batch.source(), batch.since(), batch.partitions());
    Bytes after = Bytes.EMPTY;
    long keys = 0;
    while (running) {
      if (!stillLearning(batch)) {
        return;
      }
      CopyResponse page;
      try {
        page = fetch(Procedure.COPY_PARTITION, batch, after);
      } catch (RpcException e) {
        if (e.code() == ErrorCode.NOT_REPLICA || e.code() == ErrorCode.INVALID_ARGUMENT) {
          // This node's view is behind the source's: plan again from a newer one.
          log.info("node {}: {} cannot be copied from any more: {}", self, batch.source(), e.getMessage());
          awaitNewerView();
          return;
        }
        pause(RETRY_MILLIS); // the source's view is behind, or it is busy or unreachable
        continue;
      }
      if ((!page.entries().isEmpty() || !page.requests().isEmpty()) && !install(batch, page)) {
        return;
      }
      keys += page.entries().size();
      if (page.done()) {
        if (copyEventual(batch)) {
          promote(batch, keys);
        }
        return;
      }
      if (page.entries().isEmpty() && page.requests().isEmpty()) {
        pause(HELD_KEY_RETRY_MILLIS); // a transaction holds the next key at the source
      }
      after = page.next();
    }
  }

  private boolean stillLearning(Batch batch) {
    PartitionMap map = directory.current().map();
    return batch.moves().entrySet().stream().allMatch(e -> {
      PartitionMove move = map.set(e.getKey()).move();
      return move != null && move.to().equals(self) && move.since() == e.getValue();
    });
  }

  /**
   * Copies the batch's eventual values (docs/eventual.md §9) and installs them through the eventual
   * core; true once all are durable here, false when the moves changed meanwhile. Their values are
   * merged, so a page that is older than what a quorum write already brought here changes nothing.
   */
  private boolean copyEventual(Batch batch) throws InterruptedException, ExecutionException {
    Bytes after = Bytes.EMPTY;
    long values = 0;
    while (running && stillLearning(batch)) {
      CopyResponse page = fetch(Procedure.COPY_EVENTUAL, batch, after);
      List<StoredEntry> entries = page.entries().stream()
          .map(e -> StoredEntry.decode(e.key().unsafeArray(), e.record().unsafeArray())).toList();
      if (!entries.isEmpty()) {
        EventualResult.Installed installed = (EventualResult.Installed) eventual.submit(
            h -> new EventualCommand.Install(h, entries)).get();
        values += installed.stored();
      }
      if (page.done()) {
        log.info("node {}: copied {} eventual values of partitions {} from {}", self, values,
            batch.partitions(), batch.source());
        return true;
      }
      after = page.next();
    }
    return false;
  }

  private CopyResponse fetch(Procedure procedure, Batch batch, Bytes after) throws InterruptedException {
    byte[] request = MessageCodec.encode(new CopyRequest(batch.since(), batch.partitions(), after,
        PAGE_ENTRIES));
    try {
      byte[] body = peers.call(directory.current().address(batch.source()),
          procedure.id(), request, CALL_TIMEOUT).get();
      return (CopyResponse) MessageCodec.decodeResponse(procedure, body);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RpcException re ? re
          : new RpcException(ErrorCode.UNAVAILABLE, String.valueOf(e.getCause()));
    }
  }

  /** Installs a page; false when the moves changed and the batch must be planned again. */
  private boolean install(Batch batch, CopyResponse page) throws InterruptedException, ExecutionException {
    List<CopiedEntry> entries = page.entries().stream()
        .map(e -> new CopiedEntry(e.key(), e.record())).toList();
    List<CopiedEntry> requests = page.requests().stream()
        .map(e -> new CopiedEntry(e.key(), e.record())).toList();
    while (running) {
      ClientResult result = core.submit(h -> new ClientCommand.Install(h, batch.since(), entries,
          requests)).get();
      if (result instanceof ClientResult.Installed installed) {
        keysCopied.addAndGet(installed.installed());
        return true;
      }
      ClientResult.Failed failed = (ClientResult.Failed) result;
      if (failed.code() != ErrorCode.UNAVAILABLE && failed.code() != ErrorCode.BUSY) {
        log.info("node {}: copy from {} stopped: {}", self, batch.source(), failed.message());
        return false;
      }
      pause(RETRY_MILLIS); // a transaction from before the move holds a key here, or the core is busy
    }
    return false;
  }

  /**
   * Asks for each partition's promotion, then waits until this node's view has the last one: with
   * an older view the batch would look unfinished and be copied again.
   */
  private void promote(Batch batch, long keys) throws InterruptedException {
    log.info("node {}: copied {} keys of partitions {} from {}; asking for their promotion", self,
        keys, batch.partitions(), batch.source());
    long newest = 0;
    for (Map.Entry<Integer, Long> move : batch.moves().entrySet()) {
      int p = move.getKey();
      DirectoryCommand promote = new DirectoryCommand.Promote(p, self, move.getValue());
      try {
        CommandResult result = directory.submit(promote).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        newest = Math.max(newest, result.epoch());
        if (result instanceof CommandResult.Accepted) {
          partitionsPromoted.incrementAndGet();
        } else {
          log.info("node {}: promotion in partition {} refused: {}", self, p, result);
        }
      } catch (ExecutionException | TimeoutException | CompletionException e) {
        log.info("node {}: promotion in partition {} not confirmed, copying again: {}", self, p,
            Objects.toString(e.getCause(), e.toString()));
        break;
      }
    }
    awaitView(newest);
  }

  /** Waits (bounded) until this node's view has reached {@code epoch}. */
  private void awaitView(long epoch) throws InterruptedException {
    try {
      directory.awaitEpoch(epoch).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.debug("node {}: view did not reach epoch {} yet: {}", self, epoch, e.toString());
    }
  }

  /** Asks the directory for anything newer than this node's view, and waits for it (bounded). */
  private void awaitNewerView() throws InterruptedException {
    try {
      directory.refresh().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.debug("node {}: refreshing the view failed: {}", self, e.toString());
    }
    pause(RETRY_MILLIS); // a refresh asked for too soon after the last answers at once
  }

  /** Waits {@code millis}, or less if the view changes. */
  private void pause(long millis) {
    synchronized (wakeup) {
      try {
        wakeup.wait(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
