package io.dkv.checker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.statistics.Statistics;

/**
 * The search against the naive reference, on thousands of small histories from random concurrent
 * executions against a real register, as recorded and with bugs injected.
 */
class CheckerAgreesWithBruteForceTest {
  private static final Duration LIMIT = Duration.ofSeconds(30);
  private static final int MAX_OPS = 7;

  private static Verdict fast(History h) {
    return LinearizabilityChecker.check(h, LIMIT).verdictOf(RandomExecutions.KEY);
  }

  private static Verdict bruteForce(History h) {
    return BruteForceChecker.linearizable(h.operations()) ? Verdict.LINEARIZABLE : Verdict.NOT_LINEARIZABLE;
  }

  @Property(tries = 3000)
  void recordedExecutionsAreLinearizableToBoth(@ForAll long seed) {
    History h = RandomExecutions.generate(new Random(seed), MAX_OPS);
    assertThat(bruteForce(h)).as("reference on %s", h).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(fast(h)).as("search on %s", h).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Property(tries = 5000)
  void bothAgreeOnHistoriesWithAnOutcomeChanged(@ForAll long seed) {
    Random rnd = new Random(seed);
    History h = Mutations.mutateOneOutcome(RandomExecutions.generate(rnd, MAX_OPS), rnd);
    Verdict expected = bruteForce(h);
    Statistics.label("verdict").collect(expected)
        .coverage(c -> c.check(Verdict.NOT_LINEARIZABLE).percentage(p -> p > 25));
    assertThat(fast(h)).as("search on %s", h).isEqualTo(expected);
  }

  @Property(tries = 2000)
  void injectedStaleReadsAreFlagged(@ForAll long seed) {
    Random rnd = new Random(seed);
    History h = null;
    // About a quarter of the executions have two answered writes one after the other: draw until one does.
    for (int attempt = 0; h == null && attempt < 200; attempt++) {
      h = Mutations.withStaleRead(RandomExecutions.generate(rnd, MAX_OPS), rnd);
    }
    assertThat(h).as("an execution with two writes one after the other").isNotNull();
    assertThat(bruteForce(h)).as("reference on %s", h).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(fast(h)).as("search on %s", h).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }
}
