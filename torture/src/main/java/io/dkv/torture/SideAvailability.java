package io.dkv.torture;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Availability of an eventual namespace on each side of one fault window, read from the operations
 * the pinned clients recorded ({@link EventualWorkload}): per side, how many reads and writes its
 * clients issued inside the window, how many the cluster answered, and why the others failed. An
 * operation counts in the window in which it was issued, whatever its answer's time. A measure, not a
 * check: what each side may serve depends on W, R and the fault (docs/reliability.md §1).
 *
 * @param keysWrittenOnEverySide keys with an acknowledged write issued in the window on every side:
 *                               their replicas diverged, and only repair brings them together
 */
public record SideAvailability(FaultWindow window, List<Side> sides, int keysWrittenOnEverySide) {

  /** The nodes of one side and what their clients saw. */
  public record Side(List<Integer> nodes, Tally reads, Tally writes) {}

  /** @param failedByCode failed operations per error code, e.g. TIMEOUT */
  public record Tally(int attempted, int succeeded, Map<String, Integer> failedByCode) {
    static Tally of(List<EventualOp> ops) {
      Map<String, Integer> failed = new TreeMap<>();
      for (EventualOp op : ops) {
        if (op.result() instanceof EventualOp.Failed f) {
          failed.merge(f.code(), 1, Integer::sum);
        }
      }
      return new Tally(ops.size(), (int) ops.stream().filter(op -> op.result().succeeded()).count(), failed);
    }

    /** Succeeded operations as a fraction of those attempted; 1 when none were. */
    public double successRatio() {
      return attempted == 0 ? 1 : (double) succeeded / attempted;
    }

    String describe() {
      String failures = failedByCode.isEmpty() ? "" : "; failed: " + failedByCode.entrySet().stream()
          .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
      return succeeded + " of " + attempted + " succeeded ("
          + String.format(Locale.ROOT, "%.1f", 100 * successRatio()) + " %" + failures + ")";
    }
  }

  /**
   * @param played      the windows as they were played
   * @param originNanos the {@link System#nanoTime()} of the schedule's time 0
   */
  static List<SideAvailability> of(List<FaultWindow> played, List<EventualOp> ops, long originNanos, int nodeCount) {
    List<SideAvailability> measured = new ArrayList<>();
    for (FaultWindow w : played) {
      long start = originNanos + TimeUnit.MILLISECONDS.toNanos(w.startMillis());
      long end = originNanos + TimeUnit.MILLISECONDS.toNanos(w.endMillis());
      List<EventualOp> inWindow = ops.stream().filter(op -> op.invokedNanos() >= start && op.invokedNanos() < end)
          .toList();
      List<Side> sides = new ArrayList<>();
      Set<String> writtenOnEverySide = null;
      for (List<Integer> nodes : sidesOf(w.fault(), nodeCount)) {
        List<EventualOp> side = inWindow.stream().filter(op -> nodes.contains(op.node())).toList();
        sides.add(new Side(nodes, Tally.of(side.stream().filter(op -> !op.kind().isWrite()).toList()),
            Tally.of(side.stream().filter(op -> op.kind().isWrite()).toList())));
        Set<String> written = side.stream().filter(op -> op.result() instanceof EventualOp.Written)
            .map(EventualOp::key).collect(Collectors.toCollection(HashSet::new));
        if (writtenOnEverySide == null) {
          writtenOnEverySide = written;
        } else {
          writtenOnEverySide.retainAll(written);
        }
      }
      measured.add(new SideAvailability(w, sides, writtenOnEverySide.size()));
    }
    return measured;
  }

  /**
   * The sides a fault makes: a split's groups; for a fault of one node (isolated, killed, paused,
   * delayed, skewed; the sender of a one-way drop) that node and the others.
   */
  static List<List<Integer>> sidesOf(Fault fault, int nodeCount) {
    if (fault instanceof Fault.Split split) {
      return split.groups();
    }
    int node = fault instanceof Fault.DropOneWay drop ? drop.from() : fault.nodes().getFirst();
    List<Integer> others = IntStream.range(0, nodeCount).filter(i -> i != node).boxed().toList();
    return others.isEmpty() ? List.of(List.of(node)) : List.of(List.of(node), others);
  }

  /** One line for the run's summary. */
  String describe() {
    return FaultText.format(window.fault()) + " for " + window.durationMillis() + " ms: " + sides.stream()
        .map(s -> "side " + s.nodes().stream().map(NodeIds::of).collect(Collectors.joining(",")) + ": writes "
            + s.writes().describe() + ", reads " + s.reads().describe())
        .collect(Collectors.joining("; ")) + "; " + keysWrittenOnEverySide + " keys took acknowledged writes on every side";
  }
}
