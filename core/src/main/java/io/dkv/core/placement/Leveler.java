package io.dkv.core.placement;

import java.util.Arrays;

/**
 * Brings every node of a hole-free {@link Assignment} within [low, high] by moving single slots; a
 * moved slot keeps its position, so the order of the other replicas is stable. Three steps:
 * <ol>
 *   <li>nodes below {@code low} take slots from nodes above {@code high}: one move fixes two nodes;
 *   <li>nodes still below {@code low} take from nodes above {@code low}, the most loaded first;
 *   <li>nodes still above {@code high} give to nodes below {@code high}, the least loaded first.
 * </ol>
 * No move is wasted: each lowers the total distance to [low, high], by two in step 1. Every move
 * is a real copy: handing a slot filled in this run to a node with room would be an augmenting path,
 * and {@link HoleFiller} leaves none.
 *
 * <p>A taking node walks the partitions in its own affinity order (a giving node in reverse), so its
 * new partitions are scattered over the ring and differ from node to node. In a partition it takes
 * the slot of the most loaded donor and, among equally loaded ones, the slot at the position where
 * the donor is furthest ahead of the taker, which evens out replica-0 duty. One walk suffices in
 * steps 2 and 3: if {@code u} needs a slot and {@code o} can give one, {@code count(o) > count(u)},
 * so some partition holds {@code o} but not {@code u}; a walk ending with both still off would have
 * visited it while {@code o} could give (that only ever stops) and moved a slot there.
 */
final class Leveler {
  private Leveler() {}

  static void level(Assignment a) {
    for (int u = 0; u < a.nodeCount(); u++) {
      take(a, u, a.high());
    }
    for (int u = 0; u < a.nodeCount(); u++) {
      take(a, u, a.low());
    }
    for (int o = 0; o < a.nodeCount(); o++) {
      give(a, o);
    }
  }

  /** Node {@code u}, while below low, takes slots from nodes holding more than {@code donorAbove}. */
  private static void take(Assignment a, int u, int donorAbove) {
    if (a.count(u) >= a.low()) {
      return;
    }
    for (int p : byAffinity(a, u, false)) {
      if (a.count(u) >= a.low()) {
        return;
      }
      if (a.holds(p, u)) {
        continue;
      }
      int best = -1;
      for (int i = 0; i < a.slotsPerPartition(); i++) {
        int o = a.at(p, i);
        if (a.count(o) <= donorAbove) {
          continue;
        }
        if (best < 0 || betterDonor(a, u, p, i, best)) {
          best = i;
        }
      }
      if (best >= 0) {
        a.set(p, best, u);
      }
    }
  }

  private static boolean betterDonor(Assignment a, int u, int p, int i, int j) {
    int ci = a.count(a.at(p, i));
    int cj = a.count(a.at(p, j));
    if (ci != cj) {
      return ci > cj;
    }
    // Same load: any choice copies the same, so use it to even out who is replica 0 (and 1, ...).
    int gi = a.positionCount(a.at(p, i), i) - a.positionCount(u, i);
    int gj = a.positionCount(a.at(p, j), j) - a.positionCount(u, j);
    return gi > gj;
  }

  /** Node {@code o}, while above high, gives slots to the least loaded nodes below high. */
  private static void give(Assignment a, int o) {
    if (a.count(o) <= a.high()) {
      return;
    }
    for (int p : byAffinity(a, o, true)) {
      if (a.count(o) <= a.high()) {
        return;
      }
      int i = slotOf(a, p, o);
      if (i < 0) {
        continue;
      }
      int best = -1;
      for (int u = 0; u < a.nodeCount(); u++) {
        if (a.count(u) >= a.high() || a.holds(p, u)) {
          continue;
        }
        if (best < 0 || a.count(u) < a.count(best)
            || (a.count(u) == a.count(best) && a.positionCount(u, i) < a.positionCount(best, i))) {
          best = u;
        }
      }
      if (best >= 0) {
        a.set(p, i, best);
      }
    }
  }

  private static int slotOf(Assignment a, int p, int node) {
    for (int i = 0; i < a.slotsPerPartition(); i++) {
      if (a.at(p, i) == node) {
        return i;
      }
    }
    return -1;
  }

  /** All partitions by {@code node}'s affinity, highest first (or lowest first if reversed). */
  private static Integer[] byAffinity(Assignment a, int node, boolean lowestFirst) {
    long[] affinity = new long[a.partitionCount()];
    Integer[] order = new Integer[a.partitionCount()];
    for (int p = 0; p < order.length; p++) {
      affinity[p] = a.affinity(node, p);
      order[p] = p;
    }
    // Affinities of one node never tie (the mix is a bijection of the partition), so this is total.
    Arrays.sort(order, (x, y) -> lowestFirst
        ? Long.compareUnsigned(affinity[x], affinity[y])
        : Long.compareUnsigned(affinity[y], affinity[x]));
    return order;
  }
}
