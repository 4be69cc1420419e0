package io.dkv.torture;

/**
 * What one node said of its own copy of a key of an eventual namespace, asked by a direct read with
 * R = 1 (the coordinator asks itself first, docs/eventual.md §5). A tombstone and a key never
 * written both read as {@link Absent}: the wire does not tell them apart (docs/eventual.md §9).
 */
sealed interface ReplicaCopy {
  record Value(long version, String value) implements ReplicaCopy {
    @Override
    public String toString() {
      return "v" + version + " '" + value + "'";
    }
  }

  record Absent() implements ReplicaCopy {
    @Override
    public String toString() {
      return "absent";
    }
  }

  /** The node is no replica of the key's partition, in its own view. */
  record NotReplica() implements ReplicaCopy {
    @Override
    public String toString() {
      return "no replica";
    }
  }

  record NoAnswer(String reason) implements ReplicaCopy {
    @Override
    public String toString() {
      return "no answer (" + reason + ")";
    }
  }
}
