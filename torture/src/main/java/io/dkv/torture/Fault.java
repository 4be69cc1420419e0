package io.dkv.torture;

import java.util.List;

/**
 * One fault of a {@link FaultWindow}, applied at the window's start and undone at its end. Nodes
 * are indexes (0-based); the text form names them {@code n1, n2, ...} (see {@link FaultText}).
 * A membership change ({@link Join}, {@link Remove}) is not undone: it starts at the window's
 * start, and the window is the time the schedule gives it to finish.
 */
public sealed interface Fault {

  /** The nodes split into groups that cannot reach each other (each group sorted). */
  record Split(List<List<Integer>> groups) implements Fault {
    public Split {
      if (groups.size() < 2 || groups.stream().anyMatch(List::isEmpty)) {
        throw new IllegalArgumentException("a split needs at least two non-empty groups, got " + groups);
      }
      groups = groups.stream().map(List::copyOf).toList();
    }
  }

  /** One node cut off from all others. */
  record Isolate(int node) implements Fault {}

  /** Everything {@code from} sends to {@code to} is dropped. */
  record DropOneWay(int from, int to) implements Fault {
    public DropOneWay {
      if (from == to) {
        throw new IllegalArgumentException("a one-way drop needs two different nodes, got " + NodeIds.of(from)
            + " twice");
      }
    }
  }

  /** kill -9 at the start, restart at the end. */
  record Kill(int node) implements Fault {}

  /** SIGSTOP at the start, SIGCONT at the end. */
  record Pause(int node) implements Fault {}

  /** Every link into and out of {@code node} delayed by {@code millis}. */
  record Delay(int node, long millis) implements Fault {
    public Delay {
      if (millis <= 0) {
        throw new IllegalArgumentException("a delay must be positive, got " + millis + " ms");
      }
    }
  }

  /** {@code node}'s clock runs {@code offsetMillis} ahead (negative: behind) of real time. */
  record Skew(int node, long offsetMillis) implements Fault {
    public Skew {
      if (offsetMillis == 0) {
        throw new IllegalArgumentException("a clock skew of 0 ms is no fault; use a non-zero offset");
      }
    }
  }

  /** The node starts with {@code dkv server --join} and receives its share of the partitions. */
  record Join(int node) implements Fault {}

  /** {@code dkv cluster remove} of the node: it drains, is removed, and its process is stopped. */
  record Remove(int node) implements Fault {}

  default FaultKind kind() {
    return switch (this) {
      case Split s -> FaultKind.PARTITION;
      case Isolate i -> FaultKind.PARTITION;
      case DropOneWay d -> FaultKind.PARTITION;
      case Kill k -> FaultKind.KILL;
      case Pause p -> FaultKind.PAUSE;
      case Delay d -> FaultKind.DELAY;
      case Skew s -> FaultKind.SKEW;
      case Join j -> FaultKind.JOIN;
      case Remove r -> FaultKind.REMOVE;
    };
  }

  /** Every node the fault names, for range checks. */
  default List<Integer> nodes() {
    return switch (this) {
      case Split s -> s.groups().stream().flatMap(List::stream).toList();
      case Isolate i -> List.of(i.node());
      case DropOneWay d -> List.of(d.from(), d.to());
      case Kill k -> List.of(k.node());
      case Pause p -> List.of(p.node());
      case Delay d -> List.of(d.node());
      case Skew s -> List.of(s.node());
      case Join j -> List.of(j.node());
      case Remove r -> List.of(r.node());
    };
  }
}
