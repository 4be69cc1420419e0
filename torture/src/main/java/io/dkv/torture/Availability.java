package io.dkv.torture;

import io.dkv.checker.History;
import io.dkv.checker.Operation;
import io.dkv.checker.Outcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Write availability during one fault window, read from the recorded history. A write counts when
 * it was issued at or after the window's start and acknowledged: its outcome is
 * {@link Outcome.Written}, by any client on any key, at the moment its answer arrived. A write
 * issued before the fault and answered during it was prepared before the fault, so it says nothing
 * of whether the cluster takes writes under it; counted, it would split the stretch without
 * writes that failover takes. A failed condition is an answer too, but it commits nothing, and the
 * question here is whether the cluster can still commit. Counting every client and key matters: a
 * write in doubt when a node fails keeps its key locked until that node is back, so some clients
 * may wait on such keys while the others go on writing.
 *
 * @param firstAckMillis     from the window's start to the first counted write's acknowledgement,
 *                           possibly after the window's end; empty when there was none
 * @param longestGapMillis   the longest interval inside the window without a counted
 *                           acknowledgement, from the window's start to the first one and from the
 *                           last one to the window's end included; the whole window when there was none
 * @param acknowledgedWrites counted writes acknowledged inside the window
 * @param lastAckMillis      from the window's start to the last counted acknowledgement inside it;
 *                           empty when there was none
 */
public record Availability(FaultWindow window, OptionalLong firstAckMillis, long longestGapMillis,
                           int acknowledgedWrites, OptionalLong lastAckMillis) {

  /**
   * Measures each window: a schedule's as it was played, or for a membership change the one from
   * its start until the change ended ({@link MembershipChange#measuredWindow()}).
   *
   * @param originNanos the {@link System#nanoTime()} at which the schedule started (its time 0), in
   *                    the clock the history was stamped with
   */
  public static List<Availability> of(List<FaultWindow> windows, History history, long originNanos) {
    List<Operation> writes = history.operations().stream()
        .filter(op -> op.outcome() instanceof Outcome.Written && op.completedAt() != Operation.NEVER_RETURNED)
        .toList();
    List<Availability> measured = new ArrayList<>();
    for (FaultWindow w : windows) {
      long startNanos = originNanos + TimeUnit.MILLISECONDS.toNanos(w.startMillis());
      long[] acks = writes.stream().filter(op -> op.invokedAt() >= startNanos)
          .mapToLong(Operation::completedAt).sorted().toArray();
      measured.add(measure(w, startNanos, acks));
    }
    return measured;
  }

  /** @param sortedAcks when each write issued since the window's start was acknowledged, in order */
  private static Availability measure(FaultWindow w, long startNanos, long[] sortedAcks) {
    long endNanos = startNanos + TimeUnit.MILLISECONDS.toNanos(w.durationMillis());
    OptionalLong firstAck = sortedAcks.length > 0
        ? OptionalLong.of(millis(sortedAcks[0] - startNanos)) : OptionalLong.empty();
    long previous = startNanos;
    long longestGap = 0;
    int count = 0;
    for (int i = 0; i < sortedAcks.length && sortedAcks[i] <= endNanos; i++) {
      longestGap = Math.max(longestGap, sortedAcks[i] - previous);
      previous = sortedAcks[i];
      count++;
    }
    longestGap = Math.max(longestGap, endNanos - previous);
    OptionalLong lastAck = count > 0 ? OptionalLong.of(millis(previous - startNanos)) : OptionalLong.empty();
    return new Availability(w, firstAck, millis(longestGap), count, lastAck);
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }

  /** Whether a write was acknowledged in the window's last {@code tail}: writes had resumed by its end. */
  public boolean acknowledgedInLast(Duration tail) {
    return lastAckMillis.isPresent() && lastAckMillis.getAsLong() >= window.durationMillis() - tail.toMillis();
  }

  /** One line for the run's summary. */
  public String describe() {
    String first = firstAckMillis.isEmpty() ? "no write issued since it began was acknowledged"
        : "first write issued since it began acknowledged " + firstAckMillis.getAsLong() + " ms in"
            + (firstAckMillis.getAsLong() > window.durationMillis() ? " (after the window ended)" : "");
    String last = lastAckMillis.isEmpty() ? ""
        : ", the last " + (window.durationMillis() - lastAckMillis.getAsLong()) + " ms before its end";
    return FaultText.format(window.fault()) + " for " + window.durationMillis() + " ms: " + first
        + "; longest gap without an acknowledged write " + longestGapMillis + " ms; " + acknowledgedWrites
        + " writes acknowledged in the window" + last;
  }
}
