package io.dkv.torture;

import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Who is in the cluster as a {@link FaultSchedule} goes on. The founders, the first
 * {@code nodeCount - joiners} nodes, are in from the start; the other node slots are outside until
 * a {@link Fault.Join} of them; any node is outside again from the start of its
 * {@link Fault.Remove}. The directory's voters are the first {@link NodeIds#voterCount} founders,
 * and the voter set is fixed, so they are never removed.
 *
 * <p>The rules a schedule keeps: a node joins only while it is outside; a node is removed only
 * while it is in and is not a voter; every other fault names nodes that are in for its whole
 * window, since a node that is not running cannot be killed, paused or skewed. A split names every
 * node slot, in the cluster or not: a cut to a node outside is harmless.
 */
final class ScheduledMembers {
  private final int voters;
  private final TreeSet<Integer> in = new TreeSet<>();
  private final int nodeCount;

  ScheduledMembers(int nodeCount, int joiners) {
    if (joiners < 0 || joiners >= nodeCount) {
      throw new IllegalArgumentException("joiners must be 0 to " + (nodeCount - 1) + " (at least one node founds the"
          + " cluster), got " + joiners);
    }
    this.nodeCount = nodeCount;
    this.voters = NodeIds.voterCount(nodeCount - joiners);
    IntStream.range(0, nodeCount - joiners).forEach(in::add);
  }

  /** Throws, naming the window, when {@code windows} break one of the rules above. */
  static void check(int nodeCount, int joiners, List<FaultWindow> windows) {
    ScheduledMembers members = new ScheduledMembers(nodeCount, joiners);
    List<FaultWindow> byStart = windows.stream().sorted(Comparator.comparingLong(FaultWindow::startMillis)).toList();
    for (FaultWindow w : byStart) {
      try {
        switch (w.fault()) {
          case Fault.Join j -> members.join(j.node());
          case Fault.Remove r -> members.remove(r.node());
          case Fault.Split s -> { }
          default -> members.requireInDuring(w, byStart);
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("'" + FaultText.format(w) + "': " + e.getMessage(), e);
      }
    }
  }

  /** The nodes in the cluster now, in order. */
  List<Integer> members() {
    return List.copyOf(in);
  }

  /** The node slots outside the cluster now, in order: never joined, or removed. */
  List<Integer> outside() {
    return IntStream.range(0, nodeCount).filter(n -> !in.contains(n)).boxed().toList();
  }

  /** The members that may be removed now: every one but the voters. */
  List<Integer> removable() {
    return in.stream().filter(n -> n >= voters).toList();
  }

  void join(int node) {
    if (in.contains(node)) {
      throw new IllegalArgumentException(NodeIds.of(node) + " is in the cluster already; only a node outside it"
          + " (one of the last node slots, which start outside, or a removed node) can join");
    }
    in.add(node);
  }

  void remove(int node) {
    if (node < voters) {
      throw new IllegalArgumentException(NodeIds.of(node) + " is a directory voter (the voters are "
          + names(IntStream.range(0, voters).boxed().toList()) + "), and the voter set is fixed; remove a node"
          + " that is not a voter");
    }
    if (!in.contains(node)) {
      throw new IllegalArgumentException(NodeIds.of(node) + " is not in the cluster at that time; the members then are "
          + names(members()));
    }
    in.remove(node);
  }

  /** The window's nodes are in the cluster at its start, and no removal of one begins before its end. */
  private void requireInDuring(FaultWindow w, List<FaultWindow> all) {
    for (int node : w.fault().nodes()) {
      if (!in.contains(node)) {
        throw new IllegalArgumentException(NodeIds.of(node) + " is not in the cluster at " + w.startMillis()
            + " ms; the members then are " + names(members()));
      }
      for (FaultWindow other : all) {
        if (other.fault() instanceof Fault.Remove r && r.node() == node && other.startMillis() >= w.startMillis()
            && other.startMillis() < w.endMillis()) {
          throw new IllegalArgumentException(NodeIds.of(node) + " is removed at " + other.startMillis()
              + " ms, before this window ends");
        }
      }
    }
  }

  private static String names(List<Integer> nodes) {
    return nodes.stream().map(NodeIds::of).collect(Collectors.joining(", ", "[", "]"));
  }
}
