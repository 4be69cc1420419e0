package io.dkv.cli;

import io.dkv.client.DkvClient;
import io.dkv.protocol.QuorumLevel;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "bench", description = "Closed-loop load: C clients each send one request at a "
    + "time for the duration; prints throughput and latency percentiles, of failed requests apart. "
    + "Exit code 3 when any request failed.")
final class BenchCommand implements Callable<Integer> {
  enum Op { put, get, mixed }

  @Mixin
  ClientOptions client;

  @Mixin
  NamespaceOption namespace;

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

  @Option(names = "--w", paramLabel = "W", converter = QuorumLevelConverter.class,
      description = "Eventual namespaces: replicas that must acknowledge each put, instead of the"
          + " namespace's W: one, quorum, all or a number from 1 to N.")
  QuorumLevel writeQuorum;

  @Option(names = "--r", paramLabel = "R", converter = QuorumLevelConverter.class,
      description = "Eventual namespaces: replies each get waits for, instead of the namespace's R:"
          + " one, quorum, all or a number from 1 to N.")
  QuorumLevel readQuorum;

  @Override
  public Integer call() throws Exception {
    validate();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    byte[] value = new byte[valueSize];
    new SplittableRandom(1).nextBytes(value);
    try (DkvClient dkv = client.connect(namespace.name)) {
      if (op != Op.put) {
        preload(dkv, value, err);
      }
      BenchStats warmup = new BenchStats();
      if (warmupSeconds > 0) {
        if (!client.json) {
          err.println("warming up for " + warmupSeconds + " s...");
        }
        runClients(dkv, value, System.nanoTime() + warmupSeconds * 1_000_000_000L, warmup, -1,
            () -> { });
      }
      warmup.roll();
      BenchStats stats = new BenchStats();
      long startNanos = System.nanoTime();
      long endNanos = startNanos + durationSeconds * 1_000_000_000L;
      runClients(dkv, value, endNanos, stats, 0, () -> progress(stats, startNanos, endNanos, err));
      stats.roll();
      Map<String, Object> r = report(stats, (System.nanoTime() - startNanos) / 1e9);
      // Not measured, but load all the same: lets a script relate the servers' CPU time over the
      // whole run to the requests they served (scripts/bench-ab.sh).
      r.put("warmupOps", warmup.okTotal().getTotalCount());
      print(r, out, err);
      return stats.failedTotal().getTotalCount() == 0 ? Main.OK : Main.UNAVAILABLE;
    }
  }

  /**
   * Runs the clients until {@code endNanos} on virtual threads, seeds counting away from
   * {@code firstSeed}, while {@code meanwhile} runs on this thread; returns when all are done.
   */
  private void runClients(DkvClient dkv, byte[] value, long endNanos, BenchStats stats, long firstSeed,
                          Runnable meanwhile) {
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int c = 0; c < clients; c++) {
        long seed = firstSeed < 0 ? firstSeed - c : firstSeed + c;
        pool.execute(() -> loop(dkv, seed, value, endNanos, stats));
      }
      meanwhile.run();
    }
  }

  /** Prints a line a second until {@code endNanos} (none with --json). */
  private void progress(BenchStats stats, long startNanos, long endNanos, PrintWriter err) {
    long lastNanos = startNanos;
    while (System.nanoTime() < endNanos) {
      long wakeNanos = Math.min(endNanos, lastNanos + 1_000_000_000L);
      LockSupport.parkNanos(Math.max(1, wakeNanos - System.nanoTime())); // pacing the display only
      BenchStats.Interval interval = stats.roll();
      long now = System.nanoTime();
      if (!client.json) {
        err.printf("\r[%3ds] %8.0f ops/s  p50 %6.2f ms  p99 %6.2f ms  errors %d   ",
            (now - startNanos) / 1_000_000_000L, interval.ok().getTotalCount() * 1e9 / (now - lastNanos),
            interval.ok().getValueAtPercentile(50) / 1000.0, interval.ok().getValueAtPercentile(99) / 1000.0,
            stats.failedTotal().getTotalCount());
        err.flush();
      }
      lastNanos = now;
    }
  }

  private void loop(DkvClient dkv, long seed, byte[] value, long endNanos, BenchStats stats) {
    SplittableRandom random = new SplittableRandom(seed);
    while (System.nanoTime() < endNanos) {
      byte[] key = key(random.nextInt(keys));
      boolean put = op == Op.put || (op == Op.mixed && random.nextBoolean());
      if (put) {
        stats.time(() -> {
          if (writeQuorum == null) {
            dkv.put(key, value);
          } else {
            dkv.put(key, value, writeQuorum);
          }
        });
      } else {
        stats.time(() -> {
          if (readQuorum == null) {
            dkv.get(key);
          } else {
            dkv.get(key, readQuorum);
          }
        });
      }
    }
  }

  private Map<String, Object> report(BenchStats stats, double seconds) {
    Histogram ok = stats.okTotal();
    Histogram failed = stats.failedTotal();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("op", op.name());
    r.put("namespace", namespace.name);
    if (writeQuorum != null) {
      r.put("w", writeQuorum.toString());
    }
    if (readQuorum != null) {
      r.put("r", readQuorum.toString());
    }
    r.put("routing", client.routing.name().toLowerCase(Locale.ROOT));
    r.put("clients", clients);
    r.put("valueSize", valueSize);
    r.put("keys", keys);
    r.put("seconds", Math.round(seconds * 10) / 10.0);
    r.put("ops", ok.getTotalCount());
    r.put("opsPerSecond", Math.round(ok.getTotalCount() / seconds));
    r.put("p50Ms", ok.getValueAtPercentile(50) / 1000.0);
    r.put("p99Ms", ok.getValueAtPercentile(99) / 1000.0);
    r.put("p999Ms", ok.getValueAtPercentile(99.9) / 1000.0);
    r.put("maxMs", ok.getMaxValue() / 1000.0);
    r.put("errors", failed.getTotalCount());
    r.put("errorP50Ms", failed.getValueAtPercentile(50) / 1000.0);
    r.put("errorP99Ms", failed.getValueAtPercentile(99) / 1000.0);
    r.put("errorMaxMs", failed.getMaxValue() / 1000.0);
    if (stats.firstError() != null) {
      r.put("firstError", stats.firstError());
    }
    return r;
  }

  private void print(Map<String, Object> r, PrintWriter out, PrintWriter err) {
    if (client.json) {
      out.println(Json.of(r));
      return;
    }
    err.println();
    out.printf("%s %s, namespace %s%s, %d clients, %d-byte values, %d keys, %.1f s%n", op, r.get("routing"),
        r.get("namespace"), quorums(r), clients, valueSize, keys, r.get("seconds"));
    out.printf("  throughput  %d ops/s (%d ops, %d errors)%n", r.get("opsPerSecond"), r.get("ops"),
        r.get("errors"));
    out.printf("  latency ms  p50 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n", r.get("p50Ms"),
        r.get("p99Ms"), r.get("p999Ms"), r.get("maxMs"));
    if (r.containsKey("firstError")) {
      out.printf("  errors ms   p50 %.2f  p99 %.2f  max %.2f; the first: %s%n", r.get("errorP50Ms"),
          r.get("errorP99Ms"), r.get("errorMaxMs"), r.get("firstError"));
    }
  }

  private static String quorums(Map<String, Object> r) {
    return (r.containsKey("w") ? " W=" + r.get("w") : "") + (r.containsKey("r") ? " R=" + r.get("r") : "");
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
    return ("bench-" + k).getBytes(StandardCharsets.UTF_8);
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
