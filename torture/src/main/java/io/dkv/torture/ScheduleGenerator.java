package io.dkv.torture;

import static io.dkv.torture.FaultSchedule.MAX_DURATION_MILLIS;
import static io.dkv.torture.FaultSchedule.MAX_GAP_MILLIS;
import static io.dkv.torture.FaultSchedule.MIN_DURATION_MILLIS;
import static io.dkv.torture.FaultSchedule.MIN_GAP_MILLIS;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Draws the windows of {@link FaultSchedule#generate}, one at a time with a quiet gap between them.
 * Faults that break something for a while last {@value FaultSchedule#MIN_DURATION_MILLIS} to
 * {@value FaultSchedule#MAX_DURATION_MILLIS} ms and name nodes that are in the cluster. A
 * membership change gets {@value #MIN_MEMBERSHIP_MILLIS} to {@value #MAX_MEMBERSHIP_MILLIS} ms,
 * time for its partitions to move under load: a {@code join} takes a node from outside the cluster
 * (with {@code join} among the kinds, the schedule has one node slot beyond the founders), a
 * {@code remove} one that is not a directory voter; a draw with no such node adds no window. Without
 * membership kinds a seed gives the same windows as before they existed.
 */
final class ScheduleGenerator {
  static final long MIN_MEMBERSHIP_MILLIS = 15_000;
  static final long MAX_MEMBERSHIP_MILLIS = 25_000;

  private ScheduleGenerator() {}

  static FaultSchedule generate(long seed, int founders, Set<FaultKind> kinds, long totalMillis) {
    // Validate before drawing, so bad arguments fail with the constructor's message.
    new FaultSchedule(seed, founders, kinds, totalMillis, List.of());
    int joiners = kinds.contains(FaultKind.JOIN) ? 1 : 0;
    int nodeCount = founders + joiners;
    NodeIds.requireCount(nodeCount);
    ScheduledMembers members = new ScheduledMembers(nodeCount, joiners);
    if (kinds.contains(FaultKind.REMOVE) && joiners == 0 && members.removable().isEmpty()) {
      throw new IllegalArgumentException("remove needs a node that is not a directory voter, and all "
          + founders + " nodes are voters: add join to the kinds, or start more than " + founders + " nodes");
    }
    Random random = new Random(seed);
    List<FaultKind> ordered = List.copyOf(EnumSet.copyOf(kinds));
    List<FaultWindow> windows = new ArrayList<>();
    long start = between(random, MIN_GAP_MILLIS, MAX_GAP_MILLIS);
    while (true) {
      long duration = between(random, MIN_DURATION_MILLIS, MAX_DURATION_MILLIS);
      if (start + duration > totalMillis) {
        break;
      }
      FaultKind kind = ordered.get(random.nextInt(ordered.size()));
      Fault fault = kind.changesMembership() ? membershipChange(kind, members, random)
          : draw(kind, members.members(), nodeCount, random);
      if (fault != null && kind.changesMembership()) {
        duration = between(random, MIN_MEMBERSHIP_MILLIS, MAX_MEMBERSHIP_MILLIS);
        if (start + duration > totalMillis) {
          break;
        }
      }
      if (fault != null) {
        windows.add(new FaultWindow(start, duration, fault));
        start += duration;
      }
      start += between(random, MIN_GAP_MILLIS, MAX_GAP_MILLIS);
    }
    return new FaultSchedule(seed, nodeCount, joiners, kinds, totalMillis, windows);
  }

  /** A join of a node outside the cluster, or a removal of a non-voter; null when there is none. */
  private static Fault membershipChange(FaultKind kind, ScheduledMembers members, Random random) {
    List<Integer> candidates = kind == FaultKind.JOIN ? members.outside() : members.removable();
    if (candidates.isEmpty()) {
      return null;
    }
    int node = candidates.get(random.nextInt(candidates.size()));
    if (kind == FaultKind.JOIN) {
      members.join(node);
      return new Fault.Join(node);
    }
    members.remove(node);
    return new Fault.Remove(node);
  }

  /** A fault on the members; null when it needs two of them and there is one. */
  private static Fault draw(FaultKind kind, List<Integer> members, int nodeCount, Random random) {
    int i = random.nextInt(members.size());
    int node = members.get(i);
    if (members.size() < 2 && (kind == FaultKind.PARTITION || kind == FaultKind.DELAY)) {
      return null;
    }
    return switch (kind) {
      case PARTITION -> switch (random.nextInt(3)) {
        case 0 -> members.size() >= 3 ? split(members, nodeCount, random) : new Fault.Isolate(node);
        case 1 -> new Fault.Isolate(node);
        default -> new Fault.DropOneWay(node, members.get((i + 1 + random.nextInt(members.size() - 1)) % members.size()));
      };
      case KILL -> new Fault.Kill(node);
      case PAUSE -> new Fault.Pause(node);
      case DELAY -> new Fault.Delay(node, between(random, 50, 500));
      case SKEW -> new Fault.Skew(node, (random.nextBoolean() ? 1 : -1) * between(random, 100, 5_000));
      case JOIN, REMOVE -> throw new IllegalArgumentException(kind.text() + " is a membership change, drawn apart");
    };
  }

  /**
   * A minority of 1 to (m-1)/2 random members against the other members; node slots outside the
   * cluster go with the majority, since a split names every node.
   */
  private static Fault split(List<Integer> members, int nodeCount, Random random) {
    List<Integer> nodes = new ArrayList<>(members);
    Collections.shuffle(nodes, random);
    int minority = 1 + random.nextInt((nodes.size() - 1) / 2);
    List<Integer> rest = Stream.concat(nodes.subList(minority, nodes.size()).stream(),
        IntStream.range(0, nodeCount).filter(n -> !members.contains(n)).boxed()).sorted().toList();
    return new Fault.Split(List.of(nodes.subList(0, minority).stream().sorted().toList(), rest));
  }

  private static long between(Random random, long min, long max) {
    return min + random.nextInt((int) (max - min + 1));
  }
}
