package io.dkv.core.twopc;

import io.dkv.protocol.Mutation;
import io.dkv.protocol.PeerMessage.AbortReason;

/**
 * A mutation's condition, evaluated by each participant against its committed state while it
 * holds the key's lock. Every replica of a key has applied the same commits in the same order
 * by then (a commit holds the lock at every participant until applied there), so all of them reach
 * the same verdict. A learner, whose copy of the partition may be incomplete, judges none.
 */
final class Conditions {
  private Conditions() {}

  /** The verdict; when not ok, {@code version} is what the vote reports (current version or 0). */
  record Check(boolean ok, AbortReason reason, long version) {
    static final Check OK = new Check(true, AbortReason.NONE, 0);
  }

  static Check evaluate(Mutation m, DataRecord current) {
    return switch (m) {
      case Mutation.Put p -> Check.OK;
      // The seed's PUT succeeds if the key is absent or already holds this value. Either way it
      // commits a new version: every successful write yields a new, larger version.
      case Mutation.PutIfAbsent p -> !current.present() || current.value().equals(p.value())
          ? Check.OK
          : new Check(false, AbortReason.CONDITION_FAILED, current.visibleVersion());
      case Mutation.Delete d -> current.present()
          ? Check.OK
          : new Check(false, AbortReason.NOT_FOUND, 0);
      case Mutation.CompareAndSet c -> current.visibleVersion() == c.expectedVersion()
          ? Check.OK
          : new Check(false, AbortReason.CONDITION_FAILED, current.visibleVersion());
    };
  }
}
