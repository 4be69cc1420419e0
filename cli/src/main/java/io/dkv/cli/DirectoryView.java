package io.dkv.cli;

import io.dkv.client.ClusterMember;
import io.dkv.client.ClusterStatus;
import io.dkv.client.NamespaceSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How the directory is shown: a text for people, fields for {@code --json}. States and modes are
 * lower case in both, as the CLI spells them ({@code --mode strong}).
 */
final class DirectoryView {
  private DirectoryView() {}

  /** The status with {@code moves}, the moves section ({@link MovesView}), below the members. */
  static String statusText(ClusterStatus s, String moves) {
    TextTable members = new TextTable("NODE", "ADDRESS", "STATE", "PARTITIONS", "VOTER");
    for (ClusterMember m : s.members()) {
      members.row(m.nodeId(), m.address(), lower(m.state()), m.partitions(), m.voter() ? "yes" : "no");
    }
    return "directory epoch " + s.epoch() + ", leader " + s.leader().orElse("unknown") + ", "
        + s.partitionCount() + " partitions (Q), replication factor " + s.replicationFactor() + " (RF)\n"
        + members + "\n\n" + moves + "\n\n" + namespacesText(s.namespaces());
  }

  /** The leader is null when unknown, so scripts need not know a sentinel. */
  static Map<String, Object> statusFields(ClusterStatus s) {
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("epoch", s.epoch());
    r.put("leader", s.leader().orElse(null));
    r.put("partitionCount", s.partitionCount());
    r.put("replicationFactor", s.replicationFactor());
    r.put("members", s.members().stream().map(m -> DataCommand.fields("node", m.nodeId(),
        "address", m.address(), "state", lower(m.state()), "partitions", m.partitions(),
        "voter", m.voter())).toList());
    r.put("namespaces", namespaceFields(s.namespaces()));
    return r;
  }

  static String namespacesText(List<NamespaceSettings> namespaces) {
    TextTable table = new TextTable("NAMESPACE", "MODE", "N", "W", "R");
    for (NamespaceSettings n : namespaces) {
      table.row(n.name(), lower(n.mode()), n.n(), n.w(), n.r());
    }
    return table.toString();
  }

  static List<Map<String, Object>> namespaceFields(List<NamespaceSettings> namespaces) {
    return namespaces.stream().map(DirectoryView::namespaceFields).toList();
  }

  static Map<String, Object> namespaceFields(NamespaceSettings n) {
    return DataCommand.fields("name", n.name(), "mode", lower(n.mode()), "n", n.n(), "w", n.w(), "r", n.r());
  }

  static String lower(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
