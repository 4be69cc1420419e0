package io.dkv.core.twopc;

import io.dkv.protocol.Bytes;

/**
 * One committed key as a replica hands it to a learner: its DATA column-family key and record,
 * byte for byte (docs/directory.md §9 has the layout). A tombstone is copied like any value, so
 * that a deleted key stays deleted at the learner, at its version. A request-id record travels the
 * same way, as its JOURNAL key and record.
 */
public record CopiedEntry(Bytes key, Bytes record) {}
