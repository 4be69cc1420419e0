package io.dkv.torture;

import io.dkv.checker.Command;
import io.dkv.checker.HistoryRecorder;
import io.dkv.checker.Outcome;
import io.dkv.client.ConditionFailedException;
import io.dkv.client.DkvClient;
import io.dkv.client.DkvTimeoutException;
import io.dkv.client.DkvUnavailableException;
import io.dkv.client.KeyNotFoundException;
import io.dkv.client.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.IntFunction;

/**
 * Closed-loop clients over a few keys, each operation recorded for the checkers: invoked just
 * before the request leaves, completed with what the client learned. Few keys and many writers
 * make conflicts, locks and concurrent operations on one key common, which is what a
 * linearizability check needs to have teeth.
 *
 * <p>How client answers map to outcomes: a value, a version, "not found" and "condition failed" are
 * answers; a timeout is UNKNOWN (the write may still commit, by the participants' termination);
 * "unavailable" after the client's retries is FAILED, which the client promises only when no
 * attempt may have reached a coordinator; anything else is UNKNOWN, the safe reading.
 */
public final class Workload implements AutoCloseable {
  private final List<Thread> threads = new ArrayList<>();
  private final List<DkvClient> clients = new ArrayList<>();
  private final HistoryRecorder recorder;
  private final LatencyLog latencies;
  private final List<String> keys;
  private final long seed;
  private volatile boolean running = true;

  /**
   * @param newClient makes client number i (each client has its own connections)
   */
  public Workload(int clientCount, int keyCount, long seed, IntFunction<DkvClient> newClient,
                  HistoryRecorder recorder, LatencyLog latencies) {
    if (clientCount < 1 || keyCount < 1) {
      throw new IllegalArgumentException("a workload needs at least 1 client and 1 key, got "
          + clientCount + " clients and " + keyCount + " keys");
    }
    this.recorder = recorder;
    this.latencies = latencies;
    this.seed = seed;
    List<String> k = new ArrayList<>();
    for (int i = 0; i < keyCount; i++) {
      k.add("k" + i);
    }
    this.keys = List.copyOf(k);
    for (int i = 0; i < clientCount; i++) {
      clients.add(newClient.apply(i));
    }
  }

  public List<String> keys() {
    return keys;
  }

  public void start() {
    for (int i = 0; i < clients.size(); i++) {
      int process = i;
      threads.add(Thread.ofPlatform().name("torture-client-" + i).start(() -> run(process)));
    }
  }

  /** Stops issuing operations and waits until every client has its last answer. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    for (Thread t : threads) {
      t.join();
    }
    clients.forEach(DkvClient::close);
  }

  private void run(int process) {
    Random random = new Random(seed * 1_000_003L + process);
    DkvClient client = clients.get(process);
    long[] lastSeen = new long[keys.size()];
    int seq = 0;
    while (running) {
      int k = random.nextInt(keys.size());
      Command command = nextCommand(random, lastSeen[k], "p" + process + "-" + seq++);
      long version = versionOf(record(client, process, keys.get(k), command));
      if (version > 0) {
        lastSeen[k] = version;
      }
    }
  }

  private static Command nextCommand(Random random, long lastSeenVersion, String value) {
    int dice = random.nextInt(100);
    if (dice < 40) {
      return Command.get();
    } else if (dice < 65) {
      return Command.put(value);
    } else if (dice < 80) {
      // Mostly the version last seen, so that some compare-and-sets succeed under contention.
      long expected = random.nextInt(4) == 0 ? random.nextInt(3) : lastSeenVersion;
      return Command.compareAndSet(expected, value);
    } else if (dice < 90) {
      return Command.putIfAbsent(value);
    }
    return Command.delete();
  }

  /** Runs one command as client {@code process}, records it in the history, and returns its outcome. */
  Outcome record(DkvClient client, int process, String key, Command command) {
    HistoryRecorder.Call call = recorder.invoke(process, key, command);
    long start = System.nanoTime();
    Outcome outcome = outcomeOf(client, key, command);
    call.complete(outcome);
    latencies.record(start, System.nanoTime() - start, outcome);
    return outcome;
  }

  /** The key's version an outcome tells, or 0. */
  private static long versionOf(Outcome outcome) {
    return switch (outcome) {
      case Outcome.Found f -> f.version();
      case Outcome.Written w -> w.version();
      case Outcome.ConditionFailed c -> c.version();
      default -> 0;
    };
  }

  static Outcome outcomeOf(DkvClient client, String key, Command command) {
    try {
      return switch (command.kind()) {
        case GET -> {
          Optional<Versioned> v = client.get(key);
          yield v.<Outcome>map(x -> new Outcome.Found(x.valueAsString(), x.version())).orElse(Outcome.NOT_FOUND);
        }
        case PUT -> new Outcome.Written(client.put(key, command.value()));
        case PUT_IF_ABSENT -> new Outcome.Written(client.putIfAbsent(key, command.value()));
        case DELETE -> new Outcome.Written(client.delete(key));
        case COMPARE_AND_SET -> new Outcome.Written(client.compareAndSet(key, command.expectedVersion(), command.value()));
      };
    } catch (RuntimeException e) { // the sync API throws the DkvException itself, never wrapped
      return failureOutcome(e);
    }
  }

  private static Outcome failureOutcome(Throwable e) {
    return switch (e) {
      case ConditionFailedException c -> new Outcome.ConditionFailed(c.currentVersion());
      case KeyNotFoundException n -> Outcome.NOT_FOUND;
      case DkvTimeoutException t -> Outcome.UNKNOWN;
      case DkvUnavailableException u -> Outcome.FAILED;
      default -> Outcome.UNKNOWN;
    };
  }
}
