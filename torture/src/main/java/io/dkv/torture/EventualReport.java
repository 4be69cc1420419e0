package io.dkv.torture;

import java.util.List;
import java.util.stream.Collectors;

/**
 * What an eventual torture run found ({@link EventualTortureRun}).
 *
 * @param availability per fault window, what each side's clients got: a measure, not a check
 * @param repair       the repair step's own account: which mechanism, and what it did
 * @param convergence  how long after healing the replicas took to agree, and what they held
 * @param lostWrites   acknowledged writes the converged replicas do not keep ({@link EventualLostWrites})
 */
public record EventualReport(FaultSchedule schedule, EventualOptions options, int operations, int answered,
                             List<SideAvailability> availability, String repair, Convergence.Result convergence,
                             List<String> lostWrites) {
  public EventualReport {
    availability = List.copyOf(availability);
    lostWrites = List.copyOf(lostWrites);
  }

  /** Every replica of every key agreed within the limit, and no acknowledged write was lost. */
  public boolean passed() {
    return converged() && lostWrites.isEmpty();
  }

  public boolean converged() {
    return convergence.convergedAfter() != null;
  }

  /**
   * The lowest share of succeeded operations on any side of any window, for writes ({@code writes})
   * or reads; 1 when the schedule had no window.
   */
  public double lowestSuccessRatio(boolean writes) {
    return availability.stream().flatMap(a -> a.sides().stream())
        .mapToDouble(s -> (writes ? s.writes() : s.reads()).successRatio()).min().orElse(1);
  }

  public String summary() {
    return String.format("""
        seed %d, %d nodes, faults %s, %d windows; eventual namespace N = %d, W = %d, R = %d
        operations: %d (%d answered, %d failed)
        %srepair after healing: %s
        convergence after healing: %s
        lost acknowledged writes: %s
        verdict: %s""",
        schedule.seed(), schedule.nodeCount(), schedule.kinds(), schedule.windows().size(), options.n(), options.w(),
        options.r(), operations, answered, operations - answered,
        availability.stream().map(a -> "availability: " + a.describe() + "\n").collect(Collectors.joining()),
        repair,
        convergenceLine(),
        lostWrites.isEmpty() ? (converged() ? "none" : "not checked: the replicas did not agree")
            : String.join("\n  ", lostWrites),
        passed() ? "PASS" : "FAIL");
  }

  private String convergenceLine() {
    String map = convergence.fullMapAfter() == null ? "the partition map never had N replicas for every key again"
        : "every key had its N replicas in the map again " + convergence.fullMapAfter().toMillis() + " ms after healing";
    return converged()
        ? map + "; every replica of every key agreed " + convergence.convergedAfter().toMillis() + " ms after healing ("
            + convergence.passes() + " passes)"
        : "FAILED: not within " + options.convergenceLimit().toSeconds() + " s (" + map + "; " + convergence.passes()
            + " passes):\n  " + String.join("\n  ", convergence.issues());
  }
}
