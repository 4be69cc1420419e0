package io.dkv.torture;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.GetRequest;
import io.dkv.protocol.ClientMessage.GetResponse;
import io.dkv.protocol.ClientMessage.PartitionMapResponse;
import io.dkv.protocol.ClientMessage.QuorumGetRequest;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.protocol.QuorumLevel;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * Measures how long after healing the replicas of an eventual namespace take to agree. Each pass
 * asks every replica of every key (the first N of its partition's replicas, in the map every member
 * holds) for its own copy, with a direct read at R = 1, all at once; a key has converged when all its
 * N replicas answer with the same copy (a partition with fewer than N replicas in the map, while an
 * evicted node gets it back, has not). After a pass, the {@link RepairStep} gets the keys whose
 * replicas all answered but disagree. Like {@link ReplicaAgreement}, a pass counts only if the map's epoch is the same after it
 * (after healing, a node the directory evicted gets its partitions back).
 */
final class Convergence {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);
  private static final long POLL_MILLIS = 200;

  /**
   * @param fullMapAfter   from healing until every member held the same map with N replicas for
   *                       every key (a node the directory evicted during the faults has them back);
   *                       null when that did not happen within the limit
   * @param convergedAfter from healing to the end of the pass in which every key's replicas agreed;
   *                       null when they did not within the limit
   * @param copies         per key, what its replicas held in the last pass (node id to copy)
   * @param issues         why the replicas did not converge, one line per key; empty when they did
   * @param passes         how many passes it took
   */
  record Result(Duration fullMapAfter, Duration convergedAfter, Map<String, Map<String, ReplicaCopy>> copies,
                List<String> issues, int passes) {
    /** The copy every replica of the key holds, once they agree. */
    Optional<ReplicaCopy> agreed(String key) {
      Map<String, ReplicaCopy> c = copies.getOrDefault(key, Map.of());
      return convergedAfter == null || c.isEmpty() ? Optional.empty() : Optional.of(c.values().iterator().next());
    }
  }

  private final NodeViews views;
  private final Network network;
  private final List<Integer> members;
  private final int n;

  Convergence(NodeViews views, Network network, List<Integer> members, int n) {
    this.views = views;
    this.network = network;
    this.members = List.copyOf(members);
    this.n = n;
  }

  /**
   * Polls until every key's replicas agree or {@code limit} after {@code healedNanos} passes.
   *
   * @param healedNanos the {@link System#nanoTime()} at which every fault was undone and every client stopped
   */
  Result await(List<String> keys, RepairStep repair, long healedNanos, Duration limit) throws InterruptedException {
    long deadline = healedNanos + limit.toNanos();
    Map<String, Map<String, ReplicaCopy>> copies = new LinkedHashMap<>();
    List<String> issues = List.of("no pass ran: the members never held the same partition map");
    int passes = 0;
    Duration fullMapAfter = null;
    try (RpcClient rpc = RpcClient.builder().build()) {
      while (true) {
        Optional<PartitionMapResponse> map = ReplicaAgreement.agreedMap(views, members);
        if (map.isPresent()) {
          if (fullMapAfter == null && keys.stream().allMatch(k -> replicasOf(map.get(), k).size() >= n)) {
            fullMapAfter = Duration.ofNanos(System.nanoTime() - healedNanos);
          }
          passes++;
          copies = pass(rpc, map.get(), keys);
          issues = disagreements(copies);
          Optional<PartitionMapResponse> after = ReplicaAgreement.agreedMap(views, members);
          boolean stable = after.isPresent() && after.get().epoch() == map.get().epoch();
          if (stable && issues.isEmpty()) {
            return new Result(fullMapAfter, Duration.ofNanos(System.nanoTime() - healedNanos), copies, issues, passes);
          }
          List<String> repairable = repairable(copies);
          if (stable && !repairable.isEmpty()) {
            repair.repair(repairable);
          }
        }
        if (System.nanoTime() > deadline) {
          return new Result(fullMapAfter, null, copies, issues, passes);
        }
        TimeUnit.MILLISECONDS.sleep(POLL_MILLIS); // the map and the repairs move on by themselves: nothing to wait on
      }
    }
  }

  /**
   * The keys whose N replicas all answered, with different copies: a repair can bring them together
   * now. The others wait for the next pass: a replica that does not answer, or a partition that is
   * not back to N replicas, would only make a repair wait out its timeout.
   */
  private static List<String> repairable(Map<String, Map<String, ReplicaCopy>> copies) {
    return copies.entrySet().stream().filter(e -> !agree(e.getValue()) && e.getValue().values().stream()
        .allMatch(Convergence::answered)).map(Map.Entry::getKey).toList();
  }

  private static boolean answered(ReplicaCopy c) {
    return c instanceof ReplicaCopy.Value || c instanceof ReplicaCopy.Absent;
  }

  /** One line per key whose replicas do not agree. */
  private static List<String> disagreements(Map<String, Map<String, ReplicaCopy>> copies) {
    List<String> issues = new ArrayList<>();
    copies.forEach((key, c) -> {
      if (!agree(c)) {
        issues.add(key + ": replicas disagree or do not answer: " + c);
      }
    });
    return issues;
  }

  private static boolean agree(Map<String, ReplicaCopy> copies) {
    return !copies.isEmpty() && copies.values().stream().allMatch(Convergence::answered)
        && copies.values().stream().distinct().count() == 1;
  }

  private Map<String, Map<String, ReplicaCopy>> pass(RpcClient rpc, PartitionMapResponse map, List<String> keys) {
    Map<String, Map<String, CompletableFuture<ReplicaCopy>>> asked = new LinkedHashMap<>();
    for (String key : keys) {
      List<String> all = replicasOf(map, key);
      Map<String, CompletableFuture<ReplicaCopy>> perReplica = new LinkedHashMap<>();
      for (String replica : all.subList(0, Math.min(n, all.size()))) {
        perReplica.put(replica, copyAt(rpc, replica, key));
      }
      for (int missing = all.size(); missing < n; missing++) { // a move under way: a replica is not back yet
        perReplica.put("replica " + (missing + 1) + " of N = " + n, CompletableFuture.completedFuture(
            new ReplicaCopy.NoAnswer("the map at epoch " + map.epoch() + " lists only " + all)));
      }
      asked.put(key, perReplica);
    }
    Map<String, Map<String, ReplicaCopy>> copies = new LinkedHashMap<>();
    asked.forEach((key, perReplica) -> {
      Map<String, ReplicaCopy> c = new LinkedHashMap<>();
      perReplica.forEach((replica, copy) -> c.put(replica, copy.join()));
      copies.put(key, c);
    });
    return copies;
  }

  private static List<String> replicasOf(PartitionMapResponse map, String key) {
    return ReplicaAgreement.replicasOf(map, EventualOptions.NAMESPACE, key);
  }

  private CompletableFuture<ReplicaCopy> copyAt(RpcClient rpc, String nodeId, String key) {
    int node = NodeIds.parse(nodeId, network.nodeCount());
    if (!members.contains(node)) {
      return CompletableFuture.completedFuture(new ReplicaCopy.NoAnswer("the map lists " + nodeId
          + ", which is no member the run started"));
    }
    GetRequest get = new GetRequest(EventualOptions.NAMESPACE, Bytes.utf8(key), true, 0);
    byte[] request = MessageCodec.encode(new QuorumGetRequest(get, QuorumLevel.ONE));
    return rpc.call(network.clientAddress(node), Procedure.GET_WITH_QUORUM.id(), request, READ_TIMEOUT)
        .thenApply(body -> {
          GetResponse r = (GetResponse) MessageCodec.decodeResponse(Procedure.GET_WITH_QUORUM, body);
          return r.found() ? (ReplicaCopy) new ReplicaCopy.Value(r.version(), r.value().toUtf8())
              : new ReplicaCopy.Absent();
        })
        .exceptionally(e -> {
          Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
          return cause instanceof RpcException re && re.code() == ErrorCode.NOT_REPLICA
              ? new ReplicaCopy.NotReplica() : new ReplicaCopy.NoAnswer(String.valueOf(cause.getMessage()));
        });
  }
}
