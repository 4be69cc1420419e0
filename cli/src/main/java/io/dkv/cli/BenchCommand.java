package io.dkv.cli;

import io.dkv.client.DkvClient;
import io.dkv.client.DkvException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", description = "Closed-loop load: C clients each send one request at a "
    + "time for the duration; prints throughput and latency percentiles.")
final class BenchCommand implements Callable<Integer> {
  enum Op { put, get, mixed }

  @Mixin
  ClientOptions client;

  @Spec
  CommandSpec spec;

  @Option(names = "--clients", defaultValue = "1", description = "Concurrent clients (default ${DEFAULT-VALUE}).")
  int clients;

  @Option(names = "--duration", defaultValue = "10", paramLabel = "SECONDS",
      description = "Measured seconds (default ${DEFAULT-VALUE}).")
  int durationSeconds;

  @Option(names = "--op", defaultValue = "put", description = "put, get or mixed (50/50) (default ${DEFAULT-VALUE}).")
  Op op;

  @Option(names = "--value-size", defaultValue = "100", paramLabel = "BYTES",
      description = "Value size (default ${DEFAULT-VALUE}).")
  int valueSize;

  @Option(names = "--keys", defaultValue = "10000", description = "Distinct keys (default ${DEFAULT-VALUE}).")
  int keys;

  @Option(names = "--warmup", defaultValue = "5", paramLabel = "SECONDS",
      description = "Unmeasured load first, so the servers' JIT has compiled the hot paths "
          + "(default ${DEFAULT-VALUE}).")
  int warmupSeconds;

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    byte[] value = new byte[valueSize];
    new SplittableRandom(1).nextBytes(value);
    try (DkvClient dkv = client.connect()) {
      if (op != Op.put) {
        preload(dkv, value, err);
      }
      if (warmupSeconds > 0) {
        if (!client.json) {
          err.println("warming up for " + warmupSeconds + " s...");
        }
        runClients(dkv, value, System.nanoTime() + warmupSeconds * 1_000_000_000L, new Recorder(3),
            new AtomicLong());
      }
      Recorder recorder = new Recorder(3);
      Histogram total = new Histogram(3);
      AtomicLong errors = new AtomicLong();
      long startNanos = System.nanoTime();
      long endNanos = startNanos + durationSeconds * 1_000_000_000L;
      List<CompletableFuture<Void>> workers = new ArrayList<>();
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        for (int c = 0; c < clients; c++) {
          long seed = c;
          workers.add(CompletableFuture.runAsync(() -> loop(dkv, seed, value, endNanos, recorder, errors), pool));
        }
        Histogram interval = null;
        long lastNanos = startNanos;
        while (System.nanoTime() < endNanos) {
          long wake = Math.min(endNanos, lastNanos + 1_000_000_000L);
          CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new))
              .completeOnTimeout(null, Math.max(1, wake - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS)
              .join();
          interval = recorder.getIntervalHistogram(interval);
          total.add(interval);
          long now = System.nanoTime();
          if (!client.json) {
            err.printf("\r[%3ds] %8.0f ops/s  p50 %6.2f ms  p99 %6.2f ms  errors %d   ",
                (now - startNanos) / 1_000_000_000L, interval.getTotalCount() * 1e9 / (now - lastNanos),
                interval.getValueAtPercentile(50) / 1000.0, interval.getValueAtPercentile(99) / 1000.0,
                errors.get());
            err.flush();
          }
          lastNanos = now;
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).join();
      }
      total.add(recorder.getIntervalHistogram());
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("op", op.name());
      r.put("routing", client.routing.name().toLowerCase(java.util.Locale.ROOT));
      r.put("clients", clients);
      r.put("valueSize", valueSize);
      r.put("keys", keys);
      r.put("seconds", Math.round(seconds * 10) / 10.0);
      r.put("ops", total.getTotalCount());
      r.put("opsPerSecond", Math.round(total.getTotalCount() / seconds));
      r.put("p50Ms", total.getValueAtPercentile(50) / 1000.0);
      r.put("p99Ms", total.getValueAtPercentile(99) / 1000.0);
      r.put("p999Ms", total.getValueAtPercentile(99.9) / 1000.0);
      r.put("maxMs", total.getMaxValue() / 1000.0);
      r.put("errors", errors.get());
      if (client.json) {
        out.println(Json.of(r));
      } else {
        err.println();
        out.printf("%s %s, %d clients, %d-byte values, %d keys, %.1f s%n", op, r.get("routing"),
            clients, valueSize, keys, seconds);
        out.printf("  throughput  %d ops/s (%d ops, %d errors)%n", r.get("opsPerSecond"),
            total.getTotalCount(), errors.get());
        out.printf("  latency ms  p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n", r.get("p50Ms"),
            r.get("p99Ms"), r.get("p999Ms"), r.get("maxMs"));
      }
      return errors.get() == 0 ? Main.OK : Main.UNAVAILABLE;
    }
  }

  /** Runs the clients until {@code endNanos} and waits for them, recording nothing else. */
  private void runClients(DkvClient dkv, byte[] value, long endNanos, Recorder recorder, AtomicLong errors) {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < clients; c++) {
        long seed = -1 - c;
        pool.execute(() -> loop(dkv, seed, value, endNanos, recorder, errors));
      }
    }
  }

  private void loop(DkvClient dkv, long seed, byte[] value, long endNanos, Recorder recorder,
                    AtomicLong errors) {
    SplittableRandom random = new SplittableRandom(seed);
    while (System.nanoTime() < endNanos) {
      byte[] key = key(random.nextInt(keys));
      boolean put = op == Op.put || (op == Op.mixed && random.nextBoolean());
      long start = System.nanoTime();
      try {
        if (put) {
          dkv.put(key, value);
        } else {
          dkv.get(key);
        }
        recorder.recordValue((System.nanoTime() - start) / 1000);
      } catch (DkvException e) {
        errors.incrementAndGet();
      }
    }
  }

  private void preload(DkvClient dkv, byte[] value, PrintWriter err) {
    if (!client.json) {
      err.println("preloading " + keys + " keys...");
    }
    int inFlight = 64;
    List<CompletableFuture<Long>> window = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      window.add(dkv.putAsync(key(k), value));
      if (window.size() == inFlight) {
        CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
        window.clear();
      }
    }
    CompletableFuture.allOf(window.toArray(CompletableFuture[]::new)).join();
  }

  private static byte[] key(int k) {
    return ("bench-" + k).getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  private void validate() {
    if (clients < 1 || clients > 10_000) {
      throw new IllegalArgumentException("--clients must be 1..10000, got " + clients);
    }
    if (durationSeconds < 1 || durationSeconds > 86_400) {
      throw new IllegalArgumentException("--duration must be 1..86400 seconds, got " + durationSeconds);
    }
    if (valueSize < 0 || valueSize > 128 << 20) {
      throw new IllegalArgumentException("--value-size must be 0..134217728 bytes, got " + valueSize);
    }
    if (warmupSeconds < 0 || warmupSeconds > 3600) {
      throw new IllegalArgumentException("--warmup must be 0..3600 seconds, got " + warmupSeconds);
    }
    if (keys < 1) {
      throw new IllegalArgumentException("--keys must be at least 1, got " + keys);
    }
  }
}
