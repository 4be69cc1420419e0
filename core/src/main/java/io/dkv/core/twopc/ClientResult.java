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
   * may be empty and not done, when a key that a transaction holds stopped it.
   */
  record Copied(long handle, List<CopiedEntry> entries, Bytes next, boolean done)
      implements ClientResult {
    public Copied {
      entries = List.copyOf(entries);
    }
  }

  /** A {@link ClientCommand.Install} is durable; {@code installed} entries were newer here. */
  record Installed(long handle, int installed) implements ClientResult {}

  record Failed(long handle, ErrorCode code, String message) implements ClientResult {}
}
