package io.dkv.core.placement;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Fills the holes of an {@link Assignment}: slots whose node left, and new slots when the
 * replication factor grows. Every hole is a replica that must be copied anyway, so the aim is to
 * fill them so that nobody else has to move afterwards.
 *
 * <p>This is a bipartite b-matching (holes to nodes, a node at most once per partition), solved
 * greedily with augmenting paths in two phases: first only nodes below {@code low} may take a hole,
 * so the demand that {@link Leveler} would otherwise have to satisfy by moving replicas is met by
 * copies that happen anyway; then nodes below {@code high} take the rest. Augmenting paths never
 * lower a node's count, so the second phase keeps what the first achieved.
 *
 * <p>Within a phase, holes are filled in (partition, slot) order. A hole goes to the eligible node
 * (not in the partition, below the phase's cap) with the fewest slots, then the fewest slots at this
 * position (to spread replica-0 duty), then the highest affinity. When no eligible node is below the
 * cap, an augmenting path shifts earlier fills along: the hole takes a node {@code x1} from one of
 * its fills in this run, that slot takes {@code x2}, and so on until a node below the cap is reached.
 * Only slots filled in this run move, so a path costs no extra copies. A hole no path can fill goes
 * to the least loaded eligible node, and {@link Leveler} rebalances afterwards.
 */
final class HoleFiller {
  private final Assignment a;

  private HoleFiller(Assignment a) {
    this.a = a;
  }

  static void fill(Assignment a) {
    HoleFiller filler = new HoleFiller(a);
    filler.phase(a.low(), false);
    filler.phase(a.high(), true);
  }

  /** Fills holes with nodes holding fewer than {@code cap} slots; the last phase fills them all. */
  private void phase(int cap, boolean last) {
    for (int p = 0; p < a.partitionCount(); p++) {
      for (int i = 0; i < a.slotsPerPartition(); i++) {
        if (a.at(p, i) != Assignment.HOLE || (!last && demandBelow(cap) == 0)) {
          continue;
        }
        int best = bestEligible(p, i, cap);
        if (best != Assignment.HOLE) {
          a.set(p, i, best);
        } else if (!augment(p, i, cap) && last) {
          a.set(p, i, bestEligible(p, i, Integer.MAX_VALUE));
        }
      }
    }
  }

  /** Slots still wanted by nodes below {@code cap}; once zero, a phase has nothing left to do. */
  private int demandBelow(int cap) {
    int demand = 0;
    for (int v = 0; v < a.nodeCount(); v++) {
      demand += Math.max(0, cap - a.count(v));
    }
    return demand;
  }

  /** The preferred node below {@code cap} for hole (p, i) among those not in p, or HOLE. */
  private int bestEligible(int p, int i, int cap) {
    int best = Assignment.HOLE;
    for (int v = 0; v < a.nodeCount(); v++) {
      if (a.count(v) >= cap || a.holds(p, v)) {
        continue;
      }
      if (best == Assignment.HOLE || better(v, best, p, i)) {
        best = v;
      }
    }
    return best;
  }

  private boolean better(int v, int w, int p, int i) {
    if (a.count(v) != a.count(w)) {
      return a.count(v) < a.count(w);
    }
    if (a.positionCount(v, i) != a.positionCount(w, i)) {
      return a.positionCount(v, i) < a.positionCount(w, i);
    }
    return Long.compareUnsigned(a.affinity(v, p), a.affinity(w, p)) > 0;
  }

  /**
   * Breadth-first search for an augmenting path from hole (p, i) to a node below {@code cap}.
   * Nodes and partitions are visited at most once, which keeps the path simple and every partition
   * free of duplicates after the shift. Returns false, changing nothing, when there is none.
   */
  private boolean augment(int p, int i, int cap) {
    int n = a.nodeCount();
    List<List<int[]>> filledBy = filledSlotsByNode();
    boolean[] seenPartition = new boolean[a.partitionCount()];
    int[][] via = new int[n][];
    ArrayDeque<Integer> queue = new ArrayDeque<>();
    seenPartition[p] = true;
    for (int v = 0; v < n; v++) {
      if (!a.holds(p, v)) {
        via[v] = new int[] {p, i};
        queue.add(v);
      }
    }
    while (!queue.isEmpty()) {
      int x = queue.poll();
      if (a.count(x) < cap) {
        shiftAlong(x, via, p, i);
        return true;
      }
      for (int[] slot : filledBy.get(x)) {
        int q = slot[0];
        if (seenPartition[q]) {
          continue;
        }
        seenPartition[q] = true;
        for (int y = 0; y < n; y++) {
          if (via[y] == null && !a.holds(q, y)) {
            via[y] = slot;
            queue.add(y);
          }
        }
      }
    }
    return false;
  }

  /** Moves {@code end} into its slot, that slot's holder into its own, and so on back to (p, i). */
  private void shiftAlong(int end, int[][] via, int p, int i) {
    int node = end;
    while (true) {
      int[] slot = via[node];
      int displaced = a.at(slot[0], slot[1]);
      a.set(slot[0], slot[1], node);
      if (slot[0] == p && slot[1] == i) {
        return;
      }
      node = displaced;
    }
  }

  /** For each node, the slots it fills that it did not hold in the previous map. */
  private List<List<int[]>> filledSlotsByNode() {
    List<List<int[]>> byNode = new ArrayList<>(a.nodeCount());
    for (int v = 0; v < a.nodeCount(); v++) {
      byNode.add(new ArrayList<>());
    }
    for (int q = 0; q < a.partitionCount(); q++) {
      for (int j = 0; j < a.slotsPerPartition(); j++) {
        int v = a.at(q, j);
        if (v != Assignment.HOLE && !a.heldBefore(q, v)) {
          byNode.get(v).add(new int[] {q, j});
        }
      }
    }
    return byNode;
  }
}
