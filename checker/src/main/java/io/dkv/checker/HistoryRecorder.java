package io.dkv.checker;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Records a history while clients run, from any number of threads. Call {@link #invoke} just
 * before a request leaves and {@link Call#complete} just after its answer arrived: the recorded
 * interval then contains the real one, which is what a sound check needs.
 */
public final class HistoryRecorder {
  private final LongSupplier clock;
  /** Guarded by {@code this}; index = operation id. */
  private final List<Call> calls = new ArrayList<>();

  private HistoryRecorder(LongSupplier clock) {
    this.clock = clock;
  }

  /** A recorder stamping {@link System#nanoTime()}, for live clients. */
  public static HistoryRecorder live() {
    return new HistoryRecorder(System::nanoTime);
  }

  /** A recorder stamping {@code clock}, which must never go back (a simulation's logical clock). */
  public static HistoryRecorder withClock(LongSupplier clock) {
    return new HistoryRecorder(clock);
  }

  /** Stamps an invocation now. */
  public synchronized Call invoke(int process, String key, Command command) {
    if (key == null || command == null) {
      throw new IllegalArgumentException("invoke needs a key and a command, got key=" + key + " command=" + command);
    }
    Call call = new Call(calls.size(), process, key, command, clock.getAsLong());
    calls.add(call);
    return call;
  }

  /** What was recorded so far; calls without an outcome yet count as unknown, never returned. */
  public synchronized History history() {
    List<Operation> ops = new ArrayList<>(calls.size());
    for (Call c : calls) {
      ops.add(c.completed != null ? c.completed
          : new Operation(c.id, c.process, c.key, c.command, c.invokedAt, Operation.NEVER_RETURNED, Outcome.UNKNOWN));
    }
    return History.of(ops);
  }

  /** One invoked operation, waiting for its outcome. */
  public final class Call {
    private final int id;
    private final int process;
    private final String key;
    private final Command command;
    private final long invokedAt;
    /** Guarded by the recorder; null until completed. */
    private Operation completed;

    private Call(int id, int process, String key, Command command, long invokedAt) {
      this.id = id;
      this.process = process;
      this.key = key;
      this.command = command;
      this.invokedAt = invokedAt;
    }

    /** Stamps the answer (or {@link Outcome#FAILED}, {@link Outcome#UNKNOWN}) now; once only. */
    public Operation complete(Outcome outcome) {
      synchronized (HistoryRecorder.this) {
        if (completed != null) {
          throw new IllegalStateException("operation #" + id + " was already completed: " + completed);
        }
        completed = new Operation(id, process, key, command, invokedAt, clock.getAsLong(), outcome);
        return completed;
      }
    }
  }
}
