package io.dkv.core.directory;

import java.util.Objects;

/** What applying a {@link DirectoryCommand} did. */
public sealed interface CommandResult {
  /** The directory's epoch after the command: the new one if accepted, the unchanged one if not. */
  long epoch();

  /** The command changed the directory; {@code epoch} is the epoch it created. */
  record Accepted(long epoch) implements CommandResult {}

  /** The command was invalid; the directory is unchanged, still at {@code epoch}. */
  record Rejected(long epoch, String reason) implements CommandResult {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
