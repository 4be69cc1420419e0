package io.dkv.torture;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Plays a {@link FaultSchedule} in real time: each window's fault begins at its start and ends at
 * its end, measured from the origin {@link #runToEnd} is given, all on one thread so that they
 * happen in schedule order.
 */
final class ScheduleRunner {
  private static final Logger log = LoggerFactory.getLogger(ScheduleRunner.class);

  private record Step(long atMillis, boolean begin, FaultWindow window) {}

  private final FaultSchedule schedule;
  private final FaultInjector injector;

  ScheduleRunner(FaultSchedule schedule, FaultInjector injector) {
    this.schedule = schedule;
    this.injector = injector;
  }

  /**
   * Returns at the schedule's end; throws if a fault could not be applied or undone.
   *
   * @param originNanos the {@link System#nanoTime()} that is the schedule's time 0, so that the
   *                    caller knows exactly when each window begins
   */
  void runToEnd(long originNanos) throws InterruptedException {
    List<Step> steps = new ArrayList<>();
    for (FaultWindow w : schedule.windows()) {
      steps.add(new Step(w.startMillis(), true, w));
      steps.add(new Step(w.endMillis(), false, w));
    }
    steps.sort(Comparator.comparingLong(Step::atMillis).thenComparing(Step::begin)); // ends before begins at a tie
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name("torture-nemesis").factory());
    try {
      List<ScheduledFuture<?>> scheduled = new ArrayList<>();
      for (Step s : steps) {
        scheduled.add(timer.schedule(() -> apply(s), delayNanos(originNanos, s.atMillis()), TimeUnit.NANOSECONDS));
      }
      scheduled.add(timer.schedule(() -> { }, delayNanos(originNanos, schedule.totalMillis()), TimeUnit.NANOSECONDS));
      for (ScheduledFuture<?> f : scheduled) {
        f.get();
      }
    } catch (ExecutionException e) {
      throw new IllegalStateException("the nemesis failed: " + e.getCause().getMessage(), e.getCause());
    } finally {
      timer.shutdownNow();
    }
  }

  private static long delayNanos(long originNanos, long atMillis) {
    return originNanos + TimeUnit.MILLISECONDS.toNanos(atMillis) - System.nanoTime();
  }

  private void apply(Step s) {
    log.info("{} ms: {} {}", s.atMillis(), s.begin() ? "begin" : "end", FaultText.format(s.window().fault()));
    if (s.begin()) {
      injector.begin(s.window().fault());
    } else {
      injector.end(s.window().fault());
    }
  }
}
