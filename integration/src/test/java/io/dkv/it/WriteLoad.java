package io.dkv.it;

import io.dkv.client.ConditionFailedException;
import io.dkv.client.DkvClient;
import io.dkv.client.DkvException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Writers that each put to their own keys in a loop, through one fixed entry node (the write's
 * coordinator), and record every attempt with its outcome and timing. {@link #close()} stops them,
 * also when a test fails half-way.
 */
final class WriteLoad implements AutoCloseable {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

  /**
   * One put as the writer saw it: acknowledged with a version, or of unknown outcome (null), sent
   * through node {@code entryNode} at {@code startNanos} and answered at {@code endNanos}.
   */
  record Attempt(String value, Long ackedVersion, int entryNode, long startNanos, long endNanos) {
    /** Whether the writer was waiting for this put during the whole kill: sent before, answered after. */
    boolean spans(ProcessCluster.Kill kill) {
      return startNanos < kill.fromNanos() && endNanos > kill.toNanos();
    }
  }

  private final Map<String, List<Attempt>> history = new ConcurrentHashMap<>();
  private final AtomicBoolean stop = new AtomicBoolean();
  private final AtomicInteger acked = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
  private final List<Future<?>> writers = new ArrayList<>();

  /**
   * Starts {@code writers} writers over {@code keysEach} keys each; writer w enters through node
   * {@code entryNodes[w % entryNodes.length]}.
   */
  static WriteLoad start(ProcessCluster cluster, int writers, int keysEach, int... entryNodes) {
    WriteLoad load = new WriteLoad();
    for (int w = 0; w < writers; w++) {
      int writer = w;
      int entryNode = entryNodes[w % entryNodes.length];
      load.writers.add(load.pool.submit(() -> load.write(writer, keysEach, cluster, entryNode)));
    }
    return load;
  }

  private void write(int writer, int keysEach, ProcessCluster cluster, int entryNode) {
    try (DkvClient dkv = DkvClient.builder().endpoints(cluster.endpoint(entryNode))
        .requestTimeout(REQUEST_TIMEOUT).build()) {
      for (int seq = 0; !stop.get(); seq++) {
        String key = "w" + writer + "-k" + (seq % keysEach);
        String value = "w" + writer + "-s" + seq;
        List<Attempt> attempts = history.computeIfAbsent(key, k -> new ArrayList<>());
        long startNanos = System.nanoTime();
        Long version;
        try {
          version = dkv.put(key, value);
          acked.incrementAndGet();
        } catch (ConditionFailedException e) {
          throw new AssertionError("a plain put cannot fail a condition", e);
        } catch (DkvException e) {
          version = null; // timeout or unavailable: may or may not be applied
          failed.incrementAndGet();
        }
        attempts.add(new Attempt(value, version, entryNode, startNanos, System.nanoTime()));
      }
    }
  }

  int acked() {
    return acked.get();
  }

  int failed() {
    return failed.get();
  }

  void awaitAcks(int target) {
    Await.until(target + " writes acknowledged", 60, () -> acked.get() >= target, () -> "(" + acked.get() + ")");
  }

  /** Stops the writers, waits for them and returns every key's attempts in order. */
  Map<String, List<Attempt>> stopAndCollect() throws Exception {
    stop.set(true);
    for (Future<?> f : writers) {
      f.get(60, TimeUnit.SECONDS);
    }
    return history;
  }

  /** How many finished puts matching {@code filter} the writers were waiting for during the whole kill. */
  long inFlightDuring(ProcessCluster.Kill kill, Predicate<Attempt> filter) {
    return history.values().stream().flatMap(List::stream).filter(filter).filter(a -> a.spans(kill)).count();
  }

  @Override
  public void close() {
    stop.set(true);
    pool.shutdown();
  }
}
