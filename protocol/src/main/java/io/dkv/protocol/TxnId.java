package io.dkv.protocol;

/**
 * Identifies one two-phase-commit transaction across the cluster.
 *
 * @param coordinator the node id of the coordinator that started it
 * @param incarnation the coordinator's process incarnation (grows at every restart, durable)
 * @param sequence    per-incarnation counter; unique within the incarnation
 */
public record TxnId(String coordinator, long incarnation, long sequence) {
  @Override
  public String toString() {
    return coordinator + "/" + incarnation + "/" + sequence;
  }
}
