package io.dkv.cli;

import io.dkv.client.DkvClient;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "put", description = "Store a value (committed on every replica by two-phase commit).")
final class PutCommand extends DataCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Parameters(index = "1", paramLabel = "VALUE")
  String value;

  @Option(names = "--if-absent",
      description = "Only if the key is absent or already holds VALUE (exit code 1 otherwise).")
  boolean ifAbsent;

  @Override
  Map<String, Object> run(DkvClient dkv) {
    long version = ifAbsent ? dkv.putIfAbsent(key, value) : dkv.put(key, value);
    return fields("key", key, "version", version);
  }

  @Override
  String text(Map<String, Object> r) {
    return "OK " + key + " version " + r.get("version");
  }
}
