package io.dkv.core.sim;

import java.util.PriorityQueue;
import java.util.function.LongConsumer;

/**
 * The timeline of a deterministic simulation: actions scheduled at fake times, run in time order
 * and, at equal times, in the order they were scheduled, so one seed always replays the same run.
 * Shared by the two-phase-commit simulation and the eventual-namespace one.
 */
public final class EventQueue {
  private record Event(long atMillis, long seq, Runnable action) {}

  private final PriorityQueue<Event> events = new PriorityQueue<>(
      (a, b) -> a.atMillis != b.atMillis ? Long.compare(a.atMillis, b.atMillis) : Long.compare(a.seq, b.seq));
  private long seq;

  public void schedule(long atMillis, Runnable action) {
    events.add(new Event(atMillis, seq++, action));
  }

  /**
   * Runs the events due up to {@code untilMillis} (inclusive), each after telling {@code clock} its
   * time; returns whether any are left.
   */
  public boolean runUntil(long untilMillis, LongConsumer clock) {
    while (!events.isEmpty() && events.peek().atMillis <= untilMillis) {
      Event e = events.poll();
      clock.accept(e.atMillis);
      e.action.run();
    }
    return !events.isEmpty();
  }
}
