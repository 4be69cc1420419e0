package io.dkv.core.twopc;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.ErrorCode;
import java.util.List;

/** The answer to a {@link ClientCommand}, matched by {@code handle}. */
public sealed interface ClientResult {
  long handle();

  record Written(long handle, WriteStatus status, long version) implements ClientResult {}

  record ReadValue(long handle, boolean found, long version, Bytes value) implements ClientResult {}

  /**
   * A page of a {@link ClientCommand.Copy}: ask again after {@code next} unless {@code done}. A page
   * may be empty and not done, when a key that a transaction holds stopped it. The last page also
   * carries the partitions' request-id records ({@code requests}; empty on every other page), so
   * that the learner, once a replica, recognises a retry of a request that committed before it
   * took part: without them it would judge the retry's condition against the request's own write,
   * or apply it a second time once every replica that saw it had left.
   */
  record Copied(long handle, List<CopiedEntry> entries, List<CopiedEntry> requests, Bytes next,
                boolean done) implements ClientResult {
    public Copied {
      entries = List.copyOf(entries);
      requests = List.copyOf(requests);
    }
  }

  /** A {@link ClientCommand.Install} is durable; {@code installed} entries were newer here. */
  record Installed(long handle, int installed) implements ClientResult {}

  record Failed(long handle, ErrorCode code, String message) implements ClientResult {}
}
