package io.dkv.torture;

import io.dkv.torture.EventualOp.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The lost-write check of an eventual run, once the replicas agree: last writer wins may replace an
 * acknowledged write by one with a newer version, never by an older one, so each key's converged
 * version must be at least the version of every write to it that W replicas acknowledged. A delete
 * is a write too: its tombstone has a version.
 *
 * <p>A tombstone reads as absent and shows no version (docs/eventual.md §9). So a key that
 * converged to absent passes when its newest acknowledged write is a delete (a tie of the 64 clock
 * bits included: only the node id, which the wire does not carry, would order those), or when a
 * delete whose outcome the client does not know could be newer; it fails when an acknowledged put
 * is newer than every delete that could have taken effect. A key that converged to a value must
 * hold a value some put of that key wrote.
 */
final class EventualLostWrites {
  private EventualLostWrites() {}

  /**
   * @param agreed each key's copy on every replica, empty when the replicas did not agree (then the
   *               convergence check has failed already, and this one reports nothing for the key)
   * @return one line per violation; empty when no acknowledged write is lost
   */
  static List<String> check(List<EventualOp> ops, List<String> keys, Function<String, Optional<ReplicaCopy>> agreed) {
    Map<String, List<EventualOp>> byKey = new LinkedHashMap<>();
    keys.forEach(k -> byKey.put(k, new ArrayList<>()));
    ops.forEach(op -> byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op));
    List<String> lost = new ArrayList<>();
    byKey.forEach((key, keyOps) -> agreed.apply(key).ifPresent(copy -> lost.addAll(switch (copy) {
      case ReplicaCopy.Value v -> checkValue(key, keyOps, v);
      case ReplicaCopy.Absent a -> checkAbsent(key, keyOps);
      case ReplicaCopy.NotReplica n -> List.of();
      case ReplicaCopy.NoAnswer n -> List.of();
    })));
    return lost;
  }

  private static List<String> checkValue(String key, List<EventualOp> ops, ReplicaCopy.Value converged) {
    List<String> lost = new ArrayList<>();
    for (EventualOp op : ops) {
      if (op.result() instanceof EventualOp.Written w && w.version() > converged.version()) {
        lost.add(key + ": " + describe(op) + " was acknowledged at v" + w.version()
            + ", but the replicas converged to the older " + converged);
      }
    }
    if (ops.stream().noneMatch(op -> op.kind() == Kind.PUT && converged.value().equals(op.value()))) {
      lost.add(key + ": the replicas converged to " + converged + ", a value no put of the key wrote");
    }
    return lost;
  }

  private static List<String> checkAbsent(String key, List<EventualOp> ops) {
    boolean unknownDelete = ops.stream().anyMatch(op -> op.kind() == Kind.DELETE && !op.result().succeeded());
    long newestDelete = newestAcknowledged(ops, Kind.DELETE);
    List<String> lost = new ArrayList<>();
    for (EventualOp op : ops) {
      if (op.kind() == Kind.PUT && op.result() instanceof EventualOp.Written w && w.version() > newestDelete
          && !unknownDelete) {
        lost.add(key + ": " + describe(op) + " was acknowledged at v" + w.version() + ", but the replicas converged"
            + " to absent and no delete of the key " + (newestDelete < 0 ? "was acknowledged or is in doubt"
            : "that could have taken effect is newer (the newest acknowledged is v" + newestDelete + ")"));
      }
    }
    return lost;
  }

  /** The newest version at which a write of this kind was acknowledged, or -1. */
  private static long newestAcknowledged(List<EventualOp> ops, Kind kind) {
    return ops.stream().filter(op -> op.kind() == kind && op.result() instanceof EventualOp.Written)
        .mapToLong(op -> ((EventualOp.Written) op.result()).version()).max().orElse(-1);
  }

  private static String describe(EventualOp op) {
    return op.kind() == Kind.PUT ? "put '" + op.value() + "' by client " + op.client()
        : "delete by client " + op.client();
  }
}
