package io.dkv.core.eventual;

/** The answer to an {@link EventualCommand}, matched by {@code handle}. */
public sealed interface EventualResult {
  long handle();

  /** At least W replicas hold the write (or something newer) durably. */
  record Written(long handle, HybridTimestamp version) implements EventualResult {}

  /**
   * Fewer than W replicas acknowledged before the deadline, or so many refused that W could no
   * longer be reached. The write is not undone: the replicas that received it keep it, it may
   * still be applied by replicas it reaches late, and repair spreads it to the others. So the
   * outcome is unknown to the client, as after a timeout: a later read may or may not see it. A
   * retry with the same request id is sent with the same version (at most once).
   *
   * @param acks   how many replicas acknowledged by then
   * @param reason what went wrong, for the client's error message
   */
  record WriteIncomplete(long handle, HybridTimestamp version, int acks, int required, String reason)
      implements EventualResult {}

  /**
   * The newest of the R replies (or more): a value, a tombstone (the key was deleted: a client
   * sees "not found"), or absent (never written on any replica that replied).
   */
  record ReadValue(long handle, EventualValue newest) implements EventualResult {}

  /** Fewer than R replicas replied before the deadline. */
  record ReadIncomplete(long handle, int replies, int required) implements EventualResult {}

  /** The command was invalid; {@code message} says what was wrong and what is allowed. */
  record Rejected(long handle, String message) implements EventualResult {}

  /** An {@link EventualCommand.Install} is durable; {@code stored} entries were newer than what was held. */
  record Installed(long handle, int stored) implements EventualResult {}

  /**
   * An anti-entropy session finished: both replicas were sent what the other held newer.
   *
   * @param leavesDiffered leaves of the Merkle tree whose hashes differed
   * @param keysDiffered   keys one replica held newer than the other
   * @param valuesShipped  values sent either way (a value may be shipped and then found current)
   */
  record Repaired(long handle, String namespace, int partition, String peer, int leavesDiffered, int keysDiffered,
                  int valuesShipped) implements EventualResult {}

  /** The session gave up: the other replica did not answer; {@code reason} says which step. */
  record RepairFailed(long handle, String namespace, int partition, String peer, String reason)
      implements EventualResult {}
}
