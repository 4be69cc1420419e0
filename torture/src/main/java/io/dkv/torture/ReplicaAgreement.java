package io.dkv.torture;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.GetRequest;
import io.dkv.protocol.ClientMessage.GetResponse;
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
import java.util.concurrent.CompletionException;

/**
 * The half-applied-transaction check: after healing, every replica of a key holds the same value
 * at the same version. Each node is asked for its own copy (a direct read, which a node answers
 * from its replica without forwarding, waiting for any transaction still prepared there).
 */
final class ReplicaAgreement {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  /** What one node said of its copy of a key. */
  private record Copy(boolean answered, String text) {
    @Override
    public String toString() {
      return text;
    }
  }

  private ReplicaAgreement() {}

  /** One line per key whose replicas disagree or did not answer; empty when all agree. */
  static List<String> check(Network network, String namespace, List<String> keys) {
    List<String> issues = new ArrayList<>();
    try (RpcClient rpc = RpcClient.builder().build()) {
      for (String key : keys) {
        Map<String, Copy> copies = new LinkedHashMap<>();
        for (int node = 0; node < network.nodeCount(); node++) {
          Copy copy = copyAt(rpc, network, node, namespace, key);
          if (copy != null) {
            copies.put(NodeIds.of(node), copy);
          }
        }
        if (copies.values().stream().anyMatch(c -> !c.answered())
            || copies.values().stream().distinct().count() > 1) {
          issues.add(key + ": replicas disagree or do not answer: " + copies);
        }
      }
    }
    return issues;
  }

  /** The node's copy of the key, or null when it is no replica of it. */
  private static Copy copyAt(RpcClient rpc, Network network, int node, String namespace, String key) {
    byte[] request = MessageCodec.encode(new GetRequest(namespace, Bytes.utf8(key), true, 0));
    try {
      byte[] body = rpc.call(network.clientAddress(node), Procedure.GET.id(), request, TIMEOUT).join();
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
