package io.dkv.core.placement;

import java.util.Objects;

/**
 * A partition's replica list in the middle of a change: {@code to} is a learner of the partition
 * since epoch {@code since}. It takes part in every write of the partition, serves none of its
 * reads and does not count as a replica while it copies the partition's data from a replica; once
 * it has, the directory promotes it, in the place of {@code from} (a replica that then leaves), or
 * into a free place when {@code from} is null. {@code since} names this attempt: a node that stops
 * being the learner and becomes it again starts over, and a promotion must name the attempt it
 * finished.
 */
public record PartitionMove(String to, String from, long since) {
  public PartitionMove {
    Objects.requireNonNull(to, "to");
    if (since < 0) {
      throw new IllegalArgumentException("since must be >= 0, got " + since);
    }
  }

  /** The same move without a replica to replace (it left the list some other way). */
  public PartitionMove withoutFrom() {
    return new PartitionMove(to, null, since);
  }

  @Override
  public String toString() {
    return (from == null ? "+" : from + "->") + to + "@" + since;
  }
}
