package io.dkv.core.eventual;

import io.dkv.protocol.Bytes;
import java.util.List;

/**
 * An effect of a read: replicas of the key that may lack its newest value. The caller repairs them
 * in the background by sending them {@code newest} as a {@link QuorumMessage.WriteRequest} (merge
 * makes that harmless on a replica that has it meanwhile); the read's reply never waits for it.
 *
 * @param stale  replicas that answered an older version or nothing
 * @param silent replicas that were asked but had not answered when the read completed: perhaps
 *               down, perhaps slow; repairing them is a guess that costs one message each
 */
public record ReadRepair(String namespace, Bytes key, EventualValue newest, List<String> stale,
                         List<String> silent) {
  public ReadRepair {
    stale = List.copyOf(stale);
    silent = List.copyOf(silent);
  }
}
