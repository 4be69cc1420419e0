package io.dkv.torture;

import io.dkv.core.placement.Partitioner;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.GetRequest;
import io.dkv.protocol.ClientMessage.GetResponse;
import io.dkv.protocol.ClientMessage.PartitionMapResponse;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * The half-applied-transaction check, per the final partition map: after healing, each key's
 * replicas in the map every member holds have the same value at the same version, and every other
 * member says it is no replica of the key. Each member is asked for its own copy (a direct read,
 * which a node answers from its replica without forwarding, waiting for any transaction still
 * prepared there). A node that joined holds its partitions only by copying them, so a copy that
 * missed a write shows here; a removed node is stopped and not asked.
 *
 * <p>Partitions may still move after healing (a restarted node gets back the partitions it was
 * evicted from), and a node whose view lags answers by an older map. So a pass starts once every
 * member's view has the same map epoch, and counts only if the epoch is the same after it; passes
 * are repeated until one counts, or the limit passes.
 */
final class ReplicaAgreement {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final long POLL_MILLIS = 200;

  /** What one node said of its copy of a key. */
  private record Copy(boolean answered, String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  private ReplicaAgreement() {}

  /** One line per key whose replicas disagree, do not answer or contradict the map; empty when all agree. */
  static List<String> check(NodeViews views, Network network, List<Integer> members, String namespace,
                            List<String> keys, Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    try (RpcClient rpc = RpcClient.builder().build()) {
      while (true) {
        Optional<PartitionMapResponse> map = agreedMap(views, members);
        if (map.isPresent()) {
          List<String> issues = pass(rpc, network, members, map.get(), namespace, keys);
          Optional<PartitionMapResponse> after = agreedMap(views, members);
          if (after.isPresent() && after.get().epoch() == map.get().epoch()) {
            return issues;
          }
        }
        if (System.nanoTime() > deadline) {
          return List.of("the members' partition maps did not stay the same for one pass of the check within "
              + limit.toSeconds() + " s; their map epochs now: " + epochs(views, members));
        }
        TimeUnit.MILLISECONDS.sleep(POLL_MILLIS); // the map moves on by itself: nothing to wait on
      }
    }
  }

  /** The map every member's view holds, when they all hold the same epoch. */
  static Optional<PartitionMapResponse> agreedMap(NodeViews views, List<Integer> members) {
    PartitionMapResponse first = null;
    for (int node : members) {
      Optional<PartitionMapResponse> map = views.partitionMap(node);
      if (map.isEmpty() || (first != null && map.get().epoch() != first.epoch())) {
        return Optional.empty();
      }
      first = first == null ? map.get() : first;
    }
    return Optional.ofNullable(first);
  }

  private static Map<String, String> epochs(NodeViews views, List<Integer> members) {
    Map<String, String> epochs = new LinkedHashMap<>();
    for (int node : members) {
      epochs.put(NodeIds.of(node), views.partitionMap(node).map(m -> Long.toString(m.epoch())).orElse("no answer"));
    }
    return epochs;
  }

  private static List<String> pass(RpcClient rpc, Network network, List<Integer> members, PartitionMapResponse map,
                                   String namespace, List<String> keys) {
    List<String> issues = new ArrayList<>();
    for (String key : keys) {
      List<String> replicas = replicasOf(map, namespace, key);
      List<String> asked = members.stream().map(NodeIds::of).toList();
      replicas.stream().filter(r -> !asked.contains(r)).forEach(r -> issues.add(key + ": the map at epoch "
          + map.epoch() + " lists " + replicas + ", but " + r + " is no member the run started or kept"));
      Map<String, Copy> copies = new LinkedHashMap<>();
      for (int node : members) {
        String id = NodeIds.of(node);
        Copy copy = copyAt(rpc, network, node, namespace, key);
        if (replicas.contains(id) && copy == null) {
          issues.add(key + ": " + id + " says it is no replica, but the map at epoch " + map.epoch() + " lists " + replicas);
        } else if (!replicas.contains(id) && copy != null) {
          issues.add(key + ": " + id + " answers with its copy (" + copy + "), but the map at epoch " + map.epoch()
              + " lists " + replicas);
        } else if (copy != null) {
          copies.put(id, copy);
        }
      }
      if (copies.values().stream().anyMatch(c -> !c.answered()) || copies.values().stream().distinct().count() > 1) {
        issues.add(key + ": replicas disagree or do not answer: " + copies);
      }
    }
    return issues;
  }

  /** The key's partition's replicas in the map, in the map's order. */
  static List<String> replicasOf(PartitionMapResponse map, String namespace, String key) {
    int partition = Partitioner.partitionOf(namespace, Bytes.utf8(key), map.replicas().size());
    List<String> ids = new ArrayList<>();
    for (int member : map.replicas().get(partition)) {
      ids.add(map.members().get(member).nodeId());
    }
    return ids;
  }

  /** The node's copy of the key, or null when it says it is no replica of it. */
  private static Copy copyAt(RpcClient rpc, Network network, int node, String namespace, String key) {
    byte[] request = MessageCodec.encode(new GetRequest(namespace, Bytes.utf8(key), true, 0));
    try {
      byte[] body = rpc.call(network.clientAddress(node), Procedure.GET.id(), request, READ_TIMEOUT).join();
      GetResponse r = (GetResponse) MessageCodec.decodeResponse(Procedure.GET, body);
      return new Copy(true, r.found() ? "v" + r.version() + " '" + r.value().toUtf8() + "'" : "absent");
    } catch (CompletionException e) {
      if (e.getCause() instanceof RpcException re && re.code() == ErrorCode.NOT_REPLICA) {
        return null;
      }
      return new Copy(false, "no answer: " + e.getCause());
    }
  }
}
