package io.dkv.cli;

import io.dkv.client.DkvClient;
import io.dkv.protocol.QuorumLevel;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "put", description = "Store a value: committed on every replica by two-phase commit in a"
    + " strong namespace, acknowledged by W replicas in an eventual one.")
final class PutCommand extends DataCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Parameters(index = "1", paramLabel = "VALUE")
  String value;

  @Option(names = "--if-absent",
      description = "Only if the key is absent or already holds VALUE (exit code 1 otherwise).")
  boolean ifAbsent;

  @Option(names = "--w", paramLabel = "W", converter = QuorumLevelConverter.class,
      description = "Eventual namespaces: replicas that must acknowledge this write, instead of the"
          + " namespace's W: one, quorum, all or a number from 1 to N. Warns when R + W <= N.")
  QuorumLevel w;

  @Override
  Map<String, Object> run(DkvClient dkv) {
    if (ifAbsent && w != null) {
      throw new IllegalArgumentException("--if-absent and --w do not go together: a conditional write needs a"
          + " strong namespace, which has no per-request W");
    }
    warnAboutQuorums(dkv, w, null);
    long version = ifAbsent ? dkv.putIfAbsent(key, value) : w != null ? dkv.put(key, value, w) : dkv.put(key, value);
    return fields("key", key, "version", version);
  }

  @Override
  String text(Map<String, Object> r) {
    return "OK " + key + " version " + r.get("version");
  }
}
