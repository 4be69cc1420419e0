package io.dkv.cli;

import io.dkv.client.DkvClient;
import io.dkv.client.DkvException;
import io.dkv.client.DkvUnavailableException;
import io.dkv.protocol.ClientMessage.Member;
import io.dkv.protocol.ClientMessage.StatusResponse;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import picocli.CommandLine.Command;

@Command(name = "status", description = "Show every member: reachable or not, partitions, "
    + "transactions in flight, locked keys.")
final class StatusCommand extends DataCommand {

  @Override
  Map<String, Object> run(DkvClient dkv) {
    StatusResponse first = firstReachable(dkv);
    List<CompletableFuture<Map<String, Object>>> rows = new ArrayList<>();
    for (Member m : first.members()) {
      rows.add(dkv.statusAsync(new InetSocketAddress(m.host(), m.port()))
          .thenApply(s -> fields("node", m.nodeId(), "address", m.host() + ":" + m.port(),
              "up", true, "epoch", s.epoch(), "uptimeSeconds", s.uptimeMillis() / 1000,
              "partitions", s.partitionsReplicated(), "activeTransactions", s.activeTransactions(),
              "lockedKeys", s.preparedKeys()))
          .exceptionally(e -> fields("node", m.nodeId(), "address", m.host() + ":" + m.port(),
              "up", false, "error", (e instanceof CompletionException ? e.getCause() : e).getMessage())));
    }
    List<Map<String, Object>> nodes = rows.stream().map(CompletableFuture::join).toList();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("members", nodes.size());
    r.put("up", nodes.stream().filter(n -> Boolean.TRUE.equals(n.get("up"))).count());
    r.put("nodes", nodes);
    return r;
  }

  /** The first endpoint that answers; {@link ClientOptions#connect} made sure there is one. */
  private StatusResponse firstReachable(DkvClient dkv) {
    DkvException last = null;
    for (InetSocketAddress endpoint : dkv.endpoints()) {
      try {
        return dkv.status(endpoint);
      } catch (DkvException e) {
        last = e;
      }
    }
    throw new DkvUnavailableException("no node of " + client.clusterOrDefault() + " answered: "
        + last.getMessage(), last);
  }

  @Override
  @SuppressWarnings("unchecked")
  String text(Map<String, Object> r) {
    StringBuilder sb = new StringBuilder();
    sb.append(r.get("up")).append('/').append(r.get("members")).append(" nodes up\n");
    sb.append(String.format("%-10s %-22s %-5s %6s %10s %10s %8s %7s%n", "NODE", "ADDRESS", "UP",
        "EPOCH", "UPTIME(s)", "PARTITIONS", "TXNS", "LOCKED"));
    for (Map<String, Object> n : (List<Map<String, Object>>) r.get("nodes")) {
      if (Boolean.TRUE.equals(n.get("up"))) {
        sb.append(String.format("%-10s %-22s %-5s %6s %10s %10s %8s %7s%n", n.get("node"),
            n.get("address"), "yes", n.get("epoch"), n.get("uptimeSeconds"), n.get("partitions"),
            n.get("activeTransactions"), n.get("lockedKeys")));
      } else {
        sb.append(String.format("%-10s %-22s %-5s %s%n", n.get("node"), n.get("address"), "NO",
            n.get("error")));
      }
    }
    return sb.toString().stripTrailing();
  }
}
