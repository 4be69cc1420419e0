package io.dkv.torture;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a {@link FaultSchedule} in real time on the calling thread: each window's fault begins at
 * its start and ends at its end, measured from the origin {@link #runToEnd} is given, in schedule
 * order (at a tie, ends before begins). A step that blocks (a join waits until its node serves, the
 * end of a membership change until the change has finished) delays the steps after it, which then
 * run at once, in order; {@link #played} tells when each window really began and ended.
 */
final class ScheduleRunner {
  private static final Logger log = LoggerFactory.getLogger(ScheduleRunner.class);

  private record Step(long atMillis, boolean begin, int window) {}

  private final FaultSchedule schedule;
  private final FaultInjector injector;
  private final long[] beganNanos;
  private final long[] endedNanos;
  private long originNanos;

  ScheduleRunner(FaultSchedule schedule, FaultInjector injector) {
    this.schedule = schedule;
    this.injector = injector;
    this.beganNanos = new long[schedule.windows().size()];
    this.endedNanos = new long[schedule.windows().size()];
  }

  /**
   * Returns at the schedule's end (or once its last step ran, if later); throws if a fault could
   * not be applied or undone.
   *
   * @param originNanos the {@link System#nanoTime()} that is the schedule's time 0, so that the
   *                    caller knows exactly when each window begins
   */
  void runToEnd(long originNanos) throws InterruptedException {
    this.originNanos = originNanos;
    List<Step> steps = new ArrayList<>();
    for (int i = 0; i < schedule.windows().size(); i++) {
      FaultWindow w = schedule.windows().get(i);
      steps.add(new Step(w.startMillis(), true, i));
      steps.add(new Step(w.endMillis(), false, i));
    }
    steps.sort(Comparator.comparingLong(Step::atMillis).thenComparing(Step::begin)); // ends before begins at a tie
    for (Step s : steps) {
      sleepUntil(s.atMillis());
      apply(s);
    }
    sleepUntil(schedule.totalMillis());
  }

  /** Each window as it was played: from when its fault began to when it ended, in schedule order. */
  List<FaultWindow> played() {
    List<FaultWindow> played = new ArrayList<>();
    for (int i = 0; i < beganNanos.length; i++) {
      long start = TimeUnit.NANOSECONDS.toMillis(beganNanos[i] - originNanos);
      long end = TimeUnit.NANOSECONDS.toMillis(endedNanos[i] - originNanos);
      played.add(new FaultWindow(start, Math.max(1, end - start), schedule.windows().get(i).fault()));
    }
    return played;
  }

  /** Waits for the schedule's clock: the time a step is due, not an event. */
  private void sleepUntil(long atMillis) throws InterruptedException {
    TimeUnit.NANOSECONDS.sleep(originNanos + TimeUnit.MILLISECONDS.toNanos(atMillis) - System.nanoTime());
  }

  private void apply(Step s) throws InterruptedException {
    FaultWindow w = schedule.windows().get(s.window());
    long late = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - originNanos) - s.atMillis();
    log.info("{} ms: {} {}{}", s.atMillis(), s.begin() ? "begin" : "end", FaultText.format(w.fault()),
        late > 100 ? " (" + late + " ms late)" : "");
    try {
      if (s.begin()) {
        beganNanos[s.window()] = System.nanoTime();
        injector.begin(w);
      } else {
        injector.end(w);
        endedNanos[s.window()] = System.nanoTime();
      }
    } catch (RuntimeException e) {
      throw new IllegalStateException("the nemesis failed: " + e.getMessage(), e);
    }
  }
}
