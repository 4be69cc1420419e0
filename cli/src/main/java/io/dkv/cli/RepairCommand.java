package io.dkv.cli;

import io.dkv.client.ClusterMember;
import io.dkv.client.DkvClient;
import io.dkv.client.DkvException;
import io.dkv.client.InvalidRequestException;
import io.dkv.protocol.ClientMessage.RepairResponse;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "repair", description = "Repair eventual namespaces now: every member compares each partition it "
    + "replicates with the other replicas (Merkle trees) and ships the keys that differ. Exit 0 when every member "
    + "repaired without error, 3 when one did not answer or a session failed.")
final class RepairCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Option(names = "--ns", paramLabel = "NAME", description = "Repair only this eventual namespace (default: all).")
  String namespace;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (namespace != null && namespace.isBlank()) {
      err.println("dkv: --ns '" + namespace + "' names no namespace; give a name, or leave --ns out to repair every"
          + " eventual namespace");
      return Main.USAGE;
    }
    try (DkvClient dkv = client.connect()) {
      Map<String, Object> result = repairEveryMember(dkv);
      boolean ok = Boolean.TRUE.equals(result.get("ok"));
      out.println(client.json ? Json.of(result) : text(result));
      return ok ? Main.OK : Main.UNAVAILABLE;
    } catch (DkvException | IllegalArgumentException e) {
      if (client.json) {
        out.println(Json.of(DataCommand.fields("ok", false, "error", e.getClass().getSimpleName(),
            "message", ExitCodes.message(e))));
      } else {
        err.println("dkv: " + ExitCodes.message(e));
      }
      return ExitCodes.of(e);
    }
  }

  private Map<String, Object> repairEveryMember(DkvClient dkv) {
    Duration timeout = Duration.ofMillis((long) (client.timeoutSeconds * 1000));
    List<CompletableFuture<Map<String, Object>>> rows = new ArrayList<>();
    for (ClusterMember m : dkv.clusterStatus().members()) {
      if (m.state() == ClusterMember.State.REMOVED) {
        continue;
      }
      int colon = m.address().lastIndexOf(':');
      InetSocketAddress at = new InetSocketAddress(m.address().substring(0, colon).replaceAll("^\\[|\\]$", ""),
          Integer.parseInt(m.address().substring(colon + 1)));
      rows.add(dkv.repairAsync(at, namespace == null ? "" : namespace, timeout)
          .thenApply(r -> row(m, r))
          .exceptionally(e -> DataCommand.fields("node", m.nodeId(), "address", m.address(), "ok", false,
              "error", ExitCodes.message(e), "usage", ExitCodes.of(e) == Main.USAGE)));
    }
    List<Map<String, Object>> nodes = rows.stream().map(CompletableFuture::join).toList();
    for (Map<String, Object> n : nodes) {
      if (Boolean.TRUE.equals(n.get("usage"))) { // the request itself is wrong (no such namespace): say so once
        throw new InvalidRequestException((String) n.get("error"));
      }
      n.remove("usage");
    }
    long sessions = 0;
    long keys = 0;
    long shipped = 0;
    long errors = 0;
    boolean ok = true;
    for (Map<String, Object> n : nodes) {
      ok &= Boolean.TRUE.equals(n.get("ok"));
      if (n.containsKey("sessions")) {
        sessions += (int) n.get("sessions");
        keys += (long) n.get("keysDiffered");
        shipped += (long) n.get("valuesShipped");
        errors += ((List<?>) n.get("errors")).size();
      }
    }
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("ok", ok);
    r.put("namespace", namespace == null ? "(all eventual)" : namespace);
    r.put("nodes", nodes);
    r.put("total", DataCommand.fields("nodes", nodes.size(), "repaired", nodes.stream()
            .filter(n -> Boolean.TRUE.equals(n.get("ok"))).count(), "sessions", sessions, "keysDiffered", keys,
        "valuesShipped", shipped, "errors", errors));
    return r;
  }

  private static Map<String, Object> row(ClusterMember m, RepairResponse r) {
    return DataCommand.fields("node", m.nodeId(), "address", m.address(), "ok", r.errors().isEmpty(),
        "sessions", r.sessions(), "keysDiffered", r.keysDiffered(), "valuesShipped", r.valuesShipped(),
        "errors", r.errors());
  }

  @SuppressWarnings("unchecked")
  private static String text(Map<String, Object> r) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format("%-10s %-22s %8s %13s %14s %6s%n", "NODE", "ADDRESS", "SESSIONS", "KEYS DIFFERED",
        "VALUES SHIPPED", "ERRORS"));
    List<String> problems = new ArrayList<>();
    for (Map<String, Object> n : (List<Map<String, Object>>) r.get("nodes")) {
      if (n.containsKey("sessions")) {
        List<String> errors = (List<String>) n.get("errors");
        sb.append(String.format("%-10s %-22s %8s %13s %14s %6s%n", n.get("node"), n.get("address"),
            n.get("sessions"), n.get("keysDiffered"), n.get("valuesShipped"), errors.size()));
        errors.forEach(e -> problems.add(n.get("node") + ": " + e));
      } else {
        sb.append(String.format("%-10s %-22s %s%n", n.get("node"), n.get("address"), "did not answer"));
        problems.add(n.get("node") + ": " + n.get("error"));
      }
    }
    Map<String, Object> t = (Map<String, Object>) r.get("total");
    sb.append(String.format("total: %s of %s nodes repaired %s: %s sessions, %s keys differed, %s values shipped,"
            + " %s errors", t.get("repaired"), t.get("nodes"), r.get("namespace"), t.get("sessions"),
        t.get("keysDiffered"), t.get("valuesShipped"), t.get("errors")));
    problems.forEach(p -> sb.append("\n").append(p));
    return sb.toString();
  }
}
