package io.dkv.cli;

import io.dkv.client.DkvClient;
import io.dkv.client.Versioned;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "get", description = "Read a key (linearizable). Exit code 1 when it is absent.")
final class GetCommand extends DataCommand {
  @Parameters(index = "0", paramLabel = "KEY")
  String key;

  @Override
  Map<String, Object> run(DkvClient dkv) {
    Optional<Versioned> v = dkv.get(key);
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
