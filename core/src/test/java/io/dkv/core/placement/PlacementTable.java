package io.dkv.core.placement;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints the movement and balance table of docs/placement.md. Not a test: run it by hand after a
 * change to the claim rules and paste the output into the doc.
 *
 * <pre>java -cp core/target/classes:core/target/test-classes:protocol/target/classes \
 *     io.dkv.core.placement.PlacementTable</pre>
 */
final class PlacementTable {
  private PlacementTable() {}

  public static void main(String[] args) {
    int q = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    int rf = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    System.out.printf("Q = %d, N = %d; a join adds node-new, a leave removes node-00%n%n", q, rf);
    System.out.println("| n | join: moved | ideal S/(n+1) | moved/ideal | leave: moved | leaver held "
        + "| slots/node min-max (mean) | replica 0/node min-max (mean) |");
    System.out.println("|---|---|---|---|---|---|---|---|");
    for (int n = 3; n <= 20; n++) {
      List<String> members = MapStats.nodes(n);
      PartitionMap map = Placement.initial(members, q, rf);
      List<String> plusOne = new ArrayList<>(members);
      plusOne.add("node-new");
      int joinMoved = MapStats.moved(map, Placement.rebalance(map, plusOne));
      int slots = q * Math.min(rf, n);
      double ideal = (double) q * Math.min(rf, n + 1) / (n + 1);
      int leaverHeld = map.partitionsOf("node-00").size();
      int leaveMoved = MapStats.moved(map, Placement.rebalance(map, members.subList(1, n)));
      int[] s = MapStats.slotRange(map);
      int[] f = MapStats.firstReplicaRange(map);
      System.out.printf("| %d | %d | %.1f | %.3f | %d | %d | %d-%d (%.1f) | %d-%d (%.1f) |%n",
          n, joinMoved, ideal, joinMoved / ideal, leaveMoved, leaverHeld, s[0], s[1],
          (double) slots / n, f[0], f[1], (double) q / n);
    }
    growthTable(q, rf);
  }

  /** Balance when a cluster grows one join at a time from 3 nodes, instead of starting at n. */
  private static void growthTable(int q, int rf) {
    System.out.printf("%nGrown one join at a time from initial(3 nodes), Q = %d, N = %d%n%n", q, rf);
    System.out.println("| n | moved by this join | slots/node min-max (mean) "
        + "| replica 0/node min-max (mean) |");
    System.out.println("|---|---|---|---|");
    List<String> members = new ArrayList<>(MapStats.nodes(3));
    PartitionMap map = Placement.initial(members, q, rf);
    for (int n = 4; n <= 20; n++) {
      members.add(String.format("node-%02d", n - 1));
      PartitionMap next = Placement.rebalance(map, members);
      int[] s = MapStats.slotRange(next);
      int[] f = MapStats.firstReplicaRange(next);
      System.out.printf("| %d | %d | %d-%d (%.1f) | %d-%d (%.1f) |%n", n, MapStats.moved(map, next),
          s[0], s[1], (double) q * Math.min(rf, n) / n, f[0], f[1], (double) q / n);
      map = next;
    }
  }
}
