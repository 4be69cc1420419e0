package io.dkv.cli;

import io.dkv.client.DkvClient;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "cas", description = "Compare-and-set: write VALUE only if KEY is at VERSION "
    + "(0 = absent). Exit code 1 when it is not.")
final class CasCommand extends DataCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Parameters(index = "1", paramLabel = "VERSION")
  long expectedVersion;

  @Parameters(index = "2", paramLabel = "VALUE")
  String value;

  @Override
  Map<String, Object> run(DkvClient dkv) {
    return fields("key", key, "version", dkv.compareAndSet(key, expectedVersion, value));
  }

  @Override
  String text(Map<String, Object> r) {
    return "OK " + key + " version " + r.get("version");
  }
}
