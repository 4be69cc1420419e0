package io.dkv.core.twopc;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.ErrorCode;

/** The answer to a {@link ClientCommand}, matched by {@code handle}. */
public sealed interface ClientResult {
  long handle();

  record Written(long handle, WriteStatus status, long version) implements ClientResult {}

  record ReadValue(long handle, boolean found, long version, Bytes value) implements ClientResult {}

  record Failed(long handle, ErrorCode code, String message) implements ClientResult {}
}
