package io.dkv.torture;

import io.dkv.client.DkvClient;
import io.dkv.client.DkvTimeoutException;
import io.dkv.client.DkvUnavailableException;
import io.dkv.client.InvalidRequestException;
import io.dkv.client.Versioned;
import io.dkv.protocol.QuorumLevel;
import io.dkv.torture.EventualOp.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/**
 * Closed-loop clients of an eventual namespace: 50 % get, 35 % put (every value unique), 15 %
 * delete, with the run's R and W on every request. Client i is pinned to node {@code i mod nodes}
 * and talks to no other, so under any partition each side has its own clients, and what they see is
 * what that side of the cluster serves.
 */
final class EventualWorkload implements AutoCloseable {
  private final List<Thread> threads = new ArrayList<>();
  private final List<DkvClient> clients = new ArrayList<>();
  private final ConcurrentLinkedQueue<EventualOp> ops = new ConcurrentLinkedQueue<>();
  private final List<String> keys;
  private final int nodes;
  private final long seed;
  private final QuorumLevel writeQuorum;
  private final QuorumLevel readQuorum;
  private volatile boolean running = true;

  /**
   * @param clientCount  at least {@code nodes}, so that every node has a client
   *                     ({@link EventualTortureRun#requireSupported} says so to a user)
   * @param pinnedClient makes a client that talks to node i only
   */
  EventualWorkload(int clientCount, int keyCount, int nodes, long seed, EventualOptions options,
                   IntFunction<DkvClient> pinnedClient) {
    this.keys = IntStream.range(0, keyCount).mapToObj(i -> "k" + i).toList();
    this.nodes = nodes;
    this.seed = seed;
    this.writeQuorum = QuorumLevel.of(options.w());
    this.readQuorum = QuorumLevel.of(options.r());
    for (int i = 0; i < clientCount; i++) {
      clients.add(pinnedClient.apply(nodeOf(i)));
    }
  }

  List<String> keys() {
    return keys;
  }

  /** The node client {@code client} talks to. */
  int nodeOf(int client) {
    return client % nodes;
  }

  void start() {
    for (int i = 0; i < clients.size(); i++) {
      int client = i;
      threads.add(Thread.ofPlatform().name("eventual-client-" + i).start(() -> run(client)));
    }
  }

  /** Every operation so far, in no particular order. */
  List<EventualOp> operations() {
    return List.copyOf(ops);
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

  private void run(int client) {
    Random random = new Random(seed * 1_000_003L + client);
    DkvClient dkv = clients.get(client);
    int seq = 0;
    while (running) {
      String key = keys.get(random.nextInt(keys.size()));
      int dice = random.nextInt(100);
      Kind kind = dice < 50 ? Kind.GET : dice < 85 ? Kind.PUT : Kind.DELETE;
      String value = kind == Kind.PUT ? "c" + client + "-" + seq++ : null;
      long invoked = System.nanoTime();
      EventualOp.Result result = call(dkv, kind, key, value);
      ops.add(new EventualOp(client, nodeOf(client), key, kind, value, invoked, System.nanoTime(), result));
    }
  }

  private EventualOp.Result call(DkvClient dkv, Kind kind, String key, String value) {
    try {
      return switch (kind) {
        case GET -> {
          Optional<Versioned> v = dkv.get(key, readQuorum);
          yield v.<EventualOp.Result>map(x -> new EventualOp.Found(x.valueAsString(), x.version()))
              .orElse(new EventualOp.NotFound());
        }
        case PUT -> new EventualOp.Written(dkv.put(key, value, writeQuorum));
        case DELETE -> new EventualOp.Written(dkv.delete(key, writeQuorum));
      };
    } catch (RuntimeException e) { // the sync API throws the DkvException itself, never wrapped
      return new EventualOp.Failed(errorCode(e), String.valueOf(e.getMessage()));
    }
  }

  private static String errorCode(RuntimeException e) {
    return switch (e) {
      case DkvTimeoutException t -> "TIMEOUT";
      case DkvUnavailableException u -> "UNAVAILABLE";
      case InvalidRequestException i -> "INVALID_ARGUMENT";
      default -> e.getClass().getSimpleName();
    };
  }
}
