package io.dkv.core.eventual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Three clocks exchanging messages over generated schedules, with wall clocks that drift apart and
 * jump backwards, checked against vector clocks (the naive reference for happened-before).
 */
class HybridClockPropertiesTest {
  private static final int NODES = 3;
  private static final long MAX_DRIFT_MILLIS = 50;

  /** One step: node {@code node}'s wall clock moves by {@code wallStep}, then it sends or receives. */
  record Step(int node, boolean send, int wallStep, int pick) {}

  private record Event(HybridTimestamp ts, int[] vector) {}

  @Provide
  Arbitrary<List<Step>> schedules() {
    return Combinators.combine(Arbitraries.integers().between(0, NODES - 1), Arbitraries.of(true, false),
        Arbitraries.integers().between(-40, 40), Arbitraries.integers().between(0, 1_000))
        .as(Step::new).list().ofMaxSize(150);
  }

  @Property
  void happenedBeforeImpliesASmallerTimestampAndNoClockInventsTime(@ForAll("schedules") List<Step> schedule) {
    HybridClock[] clocks = new HybridClock[NODES];
    long[] walls = new long[NODES];
    int[][] vectors = new int[NODES][NODES];
    for (int i = 0; i < NODES; i++) {
      clocks[i] = new HybridClock("n" + i, MAX_DRIFT_MILLIS);
      walls[i] = 1_000;
    }
    long maxWall = 1_000;
    List<Event> events = new ArrayList<>();
    List<Event> inFlight = new ArrayList<>();
    for (Step s : schedule) {
      int i = s.node();
      walls[i] = Math.max(0, walls[i] + s.wallStep());
      maxWall = Math.max(maxWall, walls[i]);
      HybridTimestamp ts;
      if (s.send() || inFlight.isEmpty()) {
        ts = clocks[i].send(walls[i]);
      } else {
        Event m = inFlight.get(s.pick() % inFlight.size()); // a message may be delivered many times
        if (!clocks[i].withinDrift(m.ts(), walls[i])) {
          HybridTimestamp before = clocks[i].last();
          assertThatThrownBy(() -> clocks[i].receive(m.ts(), walls[i])).isInstanceOf(ClockDriftException.class);
          assertThat(clocks[i].last()).isEqualTo(before);
          continue;
        }
        ts = clocks[i].receive(m.ts(), walls[i]);
        assertThat(ts).isGreaterThan(m.ts());
        for (int k = 0; k < NODES; k++) {
          vectors[i][k] = Math.max(vectors[i][k], m.vector()[k]);
        }
      }
      vectors[i][i]++;
      Event e = new Event(ts, vectors[i].clone());
      events.add(e);
      inFlight.add(e);
      assertThat(ts.wallMillis()).as("never behind its own wall clock").isGreaterThanOrEqualTo(walls[i]);
      assertThat(ts.wallMillis()).as("never ahead of every wall clock").isLessThanOrEqualTo(maxWall);
    }
    for (Event e : events) {
      for (Event f : events) {
        if (happenedBefore(e.vector(), f.vector())) {
          assertThat(e.ts()).isLessThan(f.ts());
        }
      }
    }
  }

  @Property
  void oneClockIsStrictlyMonotonicWhateverItsWallClockDoes(@ForAll("schedules") List<Step> schedule) {
    HybridClock clock = new HybridClock("n1", MAX_DRIFT_MILLIS);
    long wall = 5_000;
    HybridTimestamp previous = null;
    for (Step s : schedule) {
      wall = Math.max(0, wall + s.wallStep());
      HybridTimestamp ts = s.send() ? clock.send(wall)
          : clock.receive(remote(wall, s.pick()), wall);
      if (previous != null) {
        assertThat(ts).isGreaterThan(previous);
      }
      previous = ts;
    }
  }

  /** A remote timestamp from 50 ms behind to 50 ms ahead of {@code wall}: always within the drift. */
  private static HybridTimestamp remote(long wall, int pick) {
    return new HybridTimestamp(Math.max(0, wall + pick % 101 - MAX_DRIFT_MILLIS), pick % 7, "n2");
  }

  private static boolean happenedBefore(int[] a, int[] b) {
    boolean smaller = false;
    for (int k = 0; k < a.length; k++) {
      if (a[k] > b[k]) {
        return false;
      }
      smaller |= a[k] < b[k];
    }
    return smaller;
  }
}
