package io.dkv.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HistoryRecorderTest {

  /** A correct register shared by threads: one lock around every operation. */
  private static final class LockedRegister {
    private String value;
    private long version;

    synchronized Outcome apply(Command c) {
      return switch (c.kind()) {
        case GET -> value == null ? Outcome.NOT_FOUND : new Outcome.Found(value, version);
        case PUT -> write(c.value());
        case PUT_IF_ABSENT -> value == null || value.equals(c.value()) ? write(c.value())
            : new Outcome.ConditionFailed(version);
        case DELETE -> value == null ? Outcome.NOT_FOUND : write(null);
        case COMPARE_AND_SET -> (value == null ? 0 : version) == c.expectedVersion() ? write(c.value())
            : new Outcome.ConditionFailed(value == null ? 0 : version);
      };
    }

    private Outcome write(String v) {
      value = v;
      return new Outcome.Written(++version);
    }
  }

  @Test
  void threadsRecordingALockedRegisterGiveALinearizableHistory() throws Exception {
    HistoryRecorder recorder = HistoryRecorder.live();
    LockedRegister register = new LockedRegister();
    int threads = 4;
    int opsPerThread = 200;
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int process = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < opsPerThread; i++) {
            Command c = switch (i % 4) {
              case 0 -> Command.put("p" + process + "-" + i);
              case 1 -> Command.get();
              case 2 -> Command.compareAndSet(i, "cas" + process);
              default -> i % 8 == 3 ? Command.delete() : Command.putIfAbsent("x");
            };
            HistoryRecorder.Call call = recorder.invoke(process, "k", c);
            call.complete(register.apply(c));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    History h = recorder.history();
    assertThat(h.operations()).hasSize(threads * opsPerThread);
    assertThat(LinearizabilityChecker.check(h, Duration.ofSeconds(30)).overall()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void callsWithoutAnOutcomeAreUnknownAndNeverReturned() {
    AtomicLong clock = new AtomicLong();
    HistoryRecorder recorder = HistoryRecorder.withClock(clock::incrementAndGet);
    HistoryRecorder.Call put = recorder.invoke(1, "k", Command.put("a"));
    recorder.invoke(2, "k", Command.delete());
    put.complete(new Outcome.Written(1));

    assertThat(recorder.history().operations()).containsExactly(
        new Operation(0, 1, "k", Command.put("a"), 1, 3, new Outcome.Written(1)),
        new Operation(1, 2, "k", Command.delete(), 2, Operation.NEVER_RETURNED, Outcome.UNKNOWN));
    assertThatThrownBy(() -> put.complete(Outcome.FAILED)).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already completed");
  }
}
