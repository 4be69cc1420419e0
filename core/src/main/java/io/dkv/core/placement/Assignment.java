package io.dkv.core.placement;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The mutable working state of one {@link Placement} run: the new member list, every partition's
 * slots (a member index or {@link #HOLE}), and the per-node counters the claim rules read. It is
 * created from the previous map, changed by {@link HoleFiller} and {@link Leveler}, and frozen into
 * a {@link PartitionMap}. Single-threaded, never shared.
 *
 * <p>A run ends when every slot is filled and every node holds between {@link #low()} =
 * floor(S/n) and {@link #high()} = ceil(S/n) of the S slots; the number at {@code high} then
 * follows (S mod n of them), so it need not be chosen up front — choosing it up front (say, the
 * nodes that hold most now) can force extra copies that a flexible choice avoids.
 *
 * <p>Invariants: {@code count[v]} is the number of slots holding {@code v};
 * {@code positionCount[v][i]} the number of partitions holding {@code v} at slot {@code i}; no
 * partition holds a node twice.
 */
final class Assignment {
  static final int HOLE = -1;

  private final PartitionMap previous;
  private final String[] nodes;
  private final long[] nodeHashes;
  private final int[][] slots;
  private final int[][] previousSlots;
  private final int[] count;
  private final int[][] positionCount;
  private final int low;
  private final int high;

  private Assignment(PartitionMap previous, List<String> sortedMembers) {
    this.previous = previous;
    this.nodes = sortedMembers.toArray(String[]::new);
    int n = nodes.length;
    int perPartition = Math.min(previous.replicationFactor(), n);
    int q = previous.partitionCount();
    Map<String, Integer> index = new HashMap<>();
    nodeHashes = new long[n];
    for (int v = 0; v < n; v++) {
      index.put(nodes[v], v);
      byte[] id = nodes[v].getBytes(StandardCharsets.UTF_8);
      nodeHashes[v] = XxHash64.hash(id, 0, id.length, 0);
    }
    slots = new int[q][];
    previousSlots = new int[q][];
    count = new int[n];
    positionCount = new int[n][perPartition];
    for (int p = 0; p < q; p++) {
      previousSlots[p] = previous.replicas(p).stream()
          .mapToInt(node -> index.getOrDefault(node, HOLE)).toArray();
      slots[p] = resize(previousSlots[p], perPartition);
      for (int i = 0; i < perPartition; i++) {
        if (slots[p][i] != HOLE) {
          count[slots[p][i]]++;
          positionCount[slots[p][i]][i]++;
        }
      }
    }
    int totalSlots = q * perPartition;
    low = totalSlots / n;
    high = (totalSlots + n - 1) / n;
  }

  /** The starting state for moving from {@code previous} to {@code sortedMembers}. */
  static Assignment start(PartitionMap previous, List<String> sortedMembers) {
    return new Assignment(previous, sortedMembers);
  }

  /**
   * The previous slots of a partition brought to the new size: members that left become holes in
   * place, so everyone else keeps their position. Shrinking (members fell below the replication
   * factor) drops holes from the end; there are always enough, since at most {@code newSize} of the
   * old replicas are still members. Growing appends holes.
   */
  private static int[] resize(int[] old, int newSize) {
    int[] row = old.clone();
    int length = row.length;
    for (int i = length - 1; i >= 0 && length > newSize; i--) {
      if (row[i] == HOLE) {
        System.arraycopy(row, i + 1, row, i, length - i - 1);
        length--;
      }
    }
    if (length > newSize) {
      throw new IllegalStateException("more surviving replicas than slots: " + Arrays.toString(old));
    }
    int[] resized = Arrays.copyOf(row, newSize);
    Arrays.fill(resized, length, newSize, HOLE);
    return resized;
  }

  int nodeCount() {
    return nodes.length;
  }

  int partitionCount() {
    return slots.length;
  }

  int slotsPerPartition() {
    return positionCount.length == 0 ? 0 : positionCount[0].length;
  }

  int at(int partition, int slot) {
    return slots[partition][slot];
  }

  boolean holds(int partition, int node) {
    for (int v : slots[partition]) {
      if (v == node) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code node} was a replica of {@code partition} in the previous map. */
  boolean heldBefore(int partition, int node) {
    for (int v : previousSlots[partition]) {
      if (v == node) {
        return true;
      }
    }
    return false;
  }

  /** The fewest slots a node may end with: floor(S/n) of the S slots. */
  int low() {
    return low;
  }

  /** The most slots a node may end with: ceil(S/n). */
  int high() {
    return high;
  }

  int count(int node) {
    return count[node];
  }

  int positionCount(int node, int slot) {
    return positionCount[node][slot];
  }

  /**
   * A fixed pseudo-random preference of {@code node} for {@code partition}, as in rendezvous
   * hashing: where a rule leaves a choice, it goes by this, so a node's partitions are scattered
   * over the ring and do not depend on the other members.
   */
  long affinity(int node, int partition) {
    return XxHash64.avalanche(nodeHashes[node] ^ (partition * 0x9E3779B97F4A7C15L));
  }

  /** Puts {@code node} into a slot, replacing whoever (or the hole) was there. */
  void set(int partition, int slot, int node) {
    int old = slots[partition][slot];
    if (old != HOLE) {
      count[old]--;
      positionCount[old][slot]--;
    }
    slots[partition][slot] = node;
    count[node]++;
    positionCount[node][slot]++;
  }

  /** Every slot filled and every node within [low, high]: the goal of a run. */
  void checkComplete() {
    for (int p = 0; p < slots.length; p++) {
      for (int v : slots[p]) {
        if (v == HOLE) {
          throw new IllegalStateException("partition " + p + " still has a hole");
        }
      }
    }
    for (int v = 0; v < nodes.length; v++) {
      if (count[v] < low || count[v] > high) {
        throw new IllegalStateException(nodes[v] + " holds " + count[v] + " slots, outside ["
            + low + ", " + high + "]");
      }
    }
  }

  /** The result, at the next epoch; a partition whose replica list did not change keeps its epoch. */
  PartitionMap freeze() {
    long epoch = previous.epoch() + 1;
    List<List<String>> replicas = new ArrayList<>(slots.length);
    long[] partitionEpochs = new long[slots.length];
    for (int p = 0; p < slots.length; p++) {
      List<String> row = Arrays.stream(slots[p]).mapToObj(v -> nodes[v]).toList();
      replicas.add(row);
      partitionEpochs[p] = row.equals(previous.replicas(p)) ? previous.partitionEpoch(p) : epoch;
    }
    return PartitionMap.of(epoch, previous.replicationFactor(), List.of(nodes), replicas,
        partitionEpochs);
  }
}
