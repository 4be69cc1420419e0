package io.dkv.cli;

import io.dkv.client.DkvClient;
import io.dkv.client.Versioned;
import io.dkv.protocol.QuorumLevel;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "get", description = "Read a key: linearizable in a strong namespace, the newest of R replies"
    + " in an eventual one. Exit code 1 when it is absent.")
final class GetCommand extends DataCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Option(names = "--r", paramLabel = "R", converter = QuorumLevelConverter.class,
      description = "Eventual namespaces: replies this read waits for, instead of the namespace's R:"
          + " one, quorum, all or a number from 1 to N. Warns when R + W <= N.")
  QuorumLevel r;

  @Override
  Map<String, Object> run(DkvClient dkv) {
    warnAboutQuorums(dkv, null, r);
    Optional<Versioned> v = r != null ? dkv.get(key, r) : dkv.get(key);
    return v.isPresent()
        ? fields("key", key, "found", true, "version", v.get().version(), "value", v.get().valueAsString())
        : fields("key", key, "found", false);
  }

  @Override
  String text(Map<String, Object> r) {
    return Boolean.TRUE.equals(r.get("found"))
        ? r.get("value") + "  (version " + r.get("version") + ")"
        : "(not found) " + key;
  }
}
