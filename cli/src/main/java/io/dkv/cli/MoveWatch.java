package io.dkv.cli;

import io.dkv.client.DkvException;
import io.dkv.client.MoveStatus;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Asks for the partition moves every interval until they reach a wanted state, showing each answer
 * on a {@link LiveDisplay}: {@code dkv cluster status --watch} and {@code dkv cluster remove --wait}.
 * A poll that fails (no node answered within the request timeout) is shown and asked again: a
 * drain takes minutes, and a node restarting meanwhile must not end the watch.
 */
final class MoveWatch {
  /** The clock and the pause between polls, given so that tests drive the loop. */
  interface Ticker {
    long nanoTime();

    /** Pauses the display for {@code nanos}; it paces the polls, it waits for nothing. */
    void pause(long nanos);
  }

  static final Ticker SYSTEM = new Ticker() {
    @Override
    public long nanoTime() {
      return System.nanoTime();
    }

    @Override
    public void pause(long nanos) {
      LockSupport.parkNanos(nanos);
    }
  };

  static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  /**
   * How a watch ended.
   *
   * @param reached     the last answer met the wanted state
   * @param last        the last answer, null if no poll was answered
   * @param lastFailure why the last poll failed, null if it was answered
   */
  record Outcome(boolean reached, MoveStatus last, String lastFailure) {}

  private final Supplier<MoveStatus> poll;
  private final LiveDisplay display;
  private final Ticker ticker;

  /** {@code poll} asks the cluster and fails with a {@link DkvException} when no node answers. */
  MoveWatch(Supplier<MoveStatus> poll, LiveDisplay display, Ticker ticker) {
    this.poll = poll;
    this.display = display;
    this.ticker = ticker;
  }

  /**
   * Polls until an answer meets {@code wanted} or {@code timeoutNanos} have passed (a last poll is
   * made at the deadline), showing {@code render} of each answer.
   */
  Outcome until(Predicate<MoveStatus> wanted, Function<MoveStatus, String> render, long timeoutNanos) {
    long start = ticker.nanoTime();
    MoveStatus last = null;
    while (true) {
      String failure = null;
      try {
        last = poll.get();
        display.show(render.apply(last));
        if (wanted.test(last)) {
          return new Outcome(true, last, null);
        }
      } catch (DkvException e) {
        failure = ExitCodes.message(e);
        display.show("could not get the moves, asking again: " + failure);
      }
      long left = timeoutNanos - (ticker.nanoTime() - start);
      if (left <= 0) {
        return new Outcome(false, last, failure);
      }
      ticker.pause(Math.min(INTERVAL_NANOS, left));
    }
  }
}
