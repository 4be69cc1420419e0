package io.dkv.core.storage;

/** The separate key spaces of a node's store. */
public enum ColumnFamily {
  /** Committed key-value records. */
  DATA,
  /** Two-phase-commit journal: worker and coordinator transaction records, request ids. */
  JOURNAL,
  /** Node metadata: node id, incarnation counter. */
  META,
  /**
   * Values of eventual namespaces (docs/eventual.md §3): a key space of their own, so that the
   * two-phase-commit core, which reads and copies every DATA record as its own, never meets one.
   */
  EVENTUAL,
  /**
   * Hints this node holds for other nodes' replicas of eventual namespaces (hinted handoff,
   * docs/eventual.md §4.1), to deliver when they answer again.
   */
  HINTS
}
