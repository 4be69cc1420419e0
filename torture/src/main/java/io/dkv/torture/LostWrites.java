package io.dkv.torture;

import io.dkv.checker.Command;
import io.dkv.checker.History;
import io.dkv.checker.Operation;
import io.dkv.checker.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The lost-write check: every acknowledged write must be present in the final read of its key, or
 * legitimately overwritten. Versions only grow per key, so the final read (value v at version V,
 * or absent at a tombstone) must be at a version no lower than any acknowledged write's, and the
 * acknowledged write at exactly V must be the one it shows.
 */
final class LostWrites {
  private LostWrites() {}

  /**
   * @param finalReads every key's final read, made after healing and after every client stopped
   * @return one line per violation; empty when no acknowledged write is lost
   */
  static List<String> check(History history, Map<String, Outcome> finalReads) {
    List<String> lost = new ArrayList<>();
    for (Map.Entry<String, List<Operation>> e : history.byKey().entrySet()) {
      Outcome last = finalReads.get(e.getKey());
      if (last == null) {
        lost.add(e.getKey() + ": no final read");
        continue;
      }
      long finalVersion = last instanceof Outcome.Found f ? f.version() : -1;
      for (Operation op : e.getValue()) {
        if (!(op.outcome() instanceof Outcome.Written w)) {
          continue;
        }
        if (finalVersion >= 0 && w.version() > finalVersion) {
          lost.add(e.getKey() + ": " + op + " was acknowledged, but the final read is " + last);
        } else if (w.version() == finalVersion && !shows(op.command(), last)) {
          lost.add(e.getKey() + ": " + op + " was acknowledged at the final version, but the final read is " + last);
        }
      }
    }
    return lost;
  }

  private static boolean shows(Command command, Outcome finalRead) {
    return command.kind() != Command.Kind.DELETE && finalRead instanceof Outcome.Found f
        && f.value().equals(command.value());
  }
}
