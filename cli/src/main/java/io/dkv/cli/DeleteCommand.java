package io.dkv.cli;

import io.dkv.client.DkvClient;
import io.dkv.protocol.QuorumLevel;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "del", description = "Delete a key. Exit code 1 when it is absent (strong namespaces; in an"
    + " eventual one a delete always writes a tombstone).")
final class DeleteCommand extends DataCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Option(names = "--w", paramLabel = "W", converter = QuorumLevelConverter.class,
      description = "Eventual namespaces: replicas that must acknowledge this delete, instead of the"
          + " namespace's W: one, quorum, all or a number from 1 to N. Warns when R + W <= N.")
  QuorumLevel w;

  @Override
  Map<String, Object> run(DkvClient dkv) {
    warnAboutQuorums(dkv, w, null);
    return fields("key", key, "version", w != null ? dkv.delete(key, w) : dkv.delete(key));
  }

  @Override
  String text(Map<String, Object> r) {
    return "DELETED " + key + " version " + r.get("version");
  }
}
