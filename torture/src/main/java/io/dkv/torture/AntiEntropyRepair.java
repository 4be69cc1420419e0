package io.dkv.torture;

import io.dkv.client.DkvClient;
import io.dkv.protocol.ClientMessage.RepairResponse;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@link RepairStep.Kind#ANTI_ENTROPY}: the run asks every node to repair now (procedure
 * {@code REPAIR}, as {@code dkv repair} does): each compares the Merkle trees of the partitions it
 * replicates with their other replicas and ships the keys that differ (docs/eventual.md §10).
 */
final class AntiEntropyRepair implements RepairStep {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private final DkvClient client;
  private final List<InetSocketAddress> nodes;
  private int rounds;
  private long sessions;
  private long keysDiffered;
  private long valuesShipped;
  private int failed;

  AntiEntropyRepair(DkvClient client, List<InetSocketAddress> nodes) {
    this.client = client;
    this.nodes = List.copyOf(nodes);
  }

  /** Every node repairs every eventual namespace, all at once; the keys are not needed. */
  @Override
  public void repair(List<String> keys) {
    rounds++;
    List<CompletableFuture<RepairResponse>> answers = nodes.stream()
        .map(node -> client.repairAsync(node, "", TIMEOUT)).toList();
    for (CompletableFuture<RepairResponse> answer : answers) {
      try {
        RepairResponse r = answer.join();
        sessions += r.sessions();
        keysDiffered += r.keysDiffered();
        valuesShipped += r.valuesShipped();
        failed += r.errors().isEmpty() ? 0 : 1;
      } catch (CompletionException e) { // a node not back yet: the next round asks it again
        failed++;
      }
    }
  }

  @Override
  public String describe() {
    return "anti-entropy: every node repaired with REPAIR (dkv repair), " + rounds + " rounds, " + sessions
        + " sessions, " + keysDiffered + " keys differing, " + valuesShipped + " values shipped (" + failed
        + " node answers failed or had errors)";
  }

  @Override
  public void close() {
    client.close();
  }
}
