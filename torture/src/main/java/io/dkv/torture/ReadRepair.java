package io.dkv.torture;

import io.dkv.client.DkvClient;
import io.dkv.protocol.QuorumLevel;
import java.util.List;

/** {@link RepairStep.Kind#READ_REPAIR}: the run triggers read repair, key by key. */
final class ReadRepair implements RepairStep {
  private final DkvClient client;
  private int rounds;
  private int reads;
  private int failed;

  ReadRepair(DkvClient client) {
    this.client = client;
  }

  @Override
  public void repair(List<String> keys) {
    rounds++;
    for (String key : keys) {
      reads++;
      try {
        client.get(key, QuorumLevel.ALL);
      } catch (RuntimeException e) { // a replica not back yet: the next round reads the key again
        failed++;
      }
    }
  }

  @Override
  public String describe() {
    return "read repair: a read with R = all of each key whose replicas disagreed, " + rounds + " rounds, "
        + reads + " reads (" + failed + " failed)";
  }

  @Override
  public void close() {
    client.close();
  }
}
