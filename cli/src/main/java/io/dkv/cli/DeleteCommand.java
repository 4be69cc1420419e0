package io.dkv.cli;

import io.dkv.client.DkvClient;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "del", description = "Delete a key. Exit code 1 when it is absent.")
final class DeleteCommand extends DataCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Override
  Map<String, Object> run(DkvClient dkv) {
    return fields("key", key, "version", dkv.delete(key));
  }

  @Override
  String text(Map<String, Object> r) {
    return "DELETED " + key + " version " + r.get("version");
  }
}
