package io.dkv.core.eventual;

import io.dkv.protocol.Bytes;

/** A tombstone of a key, named by its version: what a purge checks and deletes. */
public record TombstoneRef(Bytes key, HybridTimestamp version) {
  public TombstoneRef {
    if (key == null || version == null) {
      throw new IllegalArgumentException("a tombstone reference needs a key and a version");
    }
  }
}
