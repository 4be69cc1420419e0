package io.dkv.core.storage;

/** The separate key spaces of a node's store. */
public enum ColumnFamily {
  /** Committed key-value records. */
  DATA,
  /** Two-phase-commit journal: worker and coordinator transaction records, request ids. */
  JOURNAL,
  /** Node metadata: node id, incarnation counter. */
  META
}
