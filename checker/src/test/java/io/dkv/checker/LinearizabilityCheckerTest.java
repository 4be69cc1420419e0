package io.dkv.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The checker must accept what is linearizable and, above all, reject what is not. */
class LinearizabilityCheckerTest {
  private static final long NEVER = Operation.NEVER_RETURNED;
  private final History.Builder history = History.builder();

  private Operation op(String key, Command command, long from, long to, Outcome outcome) {
    return history.add(0, key, command, from, to, outcome);
  }

  private Operation put(String v, long from, long to, long version) {
    return op("k", Command.put(v), from, to, new Outcome.Written(version));
  }

  private Operation get(String v, long from, long to, long version) {
    return op("k", Command.get(), from, to, v == null ? Outcome.NOT_FOUND : new Outcome.Found(v, version));
  }

  private CheckResult check() {
    return LinearizabilityChecker.check(history.build(), Duration.ofSeconds(10));
  }

  private Verdict verdict() {
    return check().overall();
  }

  @Test
  void sequentialHistoryIsLinearizable() {
    put("a", 1, 2, 1);
    get("a", 3, 4, 1);
    op("k", Command.delete(), 5, 6, new Outcome.Written(2));
    get(null, 7, 8, 0);
    op("k", Command.compareAndSet(0, "b"), 9, 10, new Outcome.Written(3));
    op("k", Command.putIfAbsent("b"), 11, 12, new Outcome.Written(4));
    assertThat(verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void staleReadAfterAWriteReturnedIsNotAndIsNamed() {
    put("a", 1, 2, 1);
    put("b", 3, 4, 2);
    Operation stale = get("a", 5, 6, 1);
    CheckResult r = check();
    assertThat(r.overall()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    KeyVerdict k = r.keys().getFirst();
    assertThat(k.unplaced()).containsExactly(stale);
    assertThat(k.explanation()).contains("places 2 of 3 operations").contains("present b v2");
  }

  @Test
  void concurrentWriteMayBeSeenOrNotButAReadCannotGoBack() {
    put("a", 1, 2, 1);
    put("b", 3, 10, 2);
    get("a", 4, 5, 1);
    get("b", 6, 7, 2);
    assertThat(verdict()).isEqualTo(Verdict.LINEARIZABLE);
    get("a", 8, 9, 1);
    assertThat(verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void versionsMustGrowAlsoAcrossDeletes() {
    put("a", 1, 2, 5);
    put("b", 3, 4, 5);
    assertThat(verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    History.Builder deleted = History.builder();
    deleted.add(0, "k", Command.put("a"), 1, 2, new Outcome.Written(5));
    deleted.add(0, "k", Command.delete(), 3, 4, new Outcome.Written(6));
    deleted.add(0, "k", Command.put("b"), 5, 6, new Outcome.Written(6));
    assertThat(LinearizabilityChecker.check(deleted.build(), Duration.ofSeconds(1)).overall())
        .isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void unknownWriteMayTakeEffectLaterOrNever() {
    put("a", 1, 2, 1);
    op("k", Command.put("x"), 3, 4, Outcome.UNKNOWN);
    get("a", 5, 6, 1);
    get("x", 7, 8, 4);
    op("k", Command.put("y"), 9, NEVER, Outcome.UNKNOWN);
    assertThat(verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void unknownWriteCannotBeSeenBeforeItWasInvoked() {
    get("x", 1, 2, 1);
    op("k", Command.put("x"), 3, NEVER, Outcome.UNKNOWN);
    assertThat(verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void unknownWriteTakesEffectOnceAtMost() {
    put("a", 1, 2, 1);
    op("k", Command.put("x"), 3, 4, Outcome.UNKNOWN);
    get("x", 5, 6, 2);
    put("b", 7, 8, 3);
    get("x", 9, 10, 4);
    assertThat(verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void failedWritesNeverTakeEffect() {
    op("k", Command.put("x"), 1, 2, Outcome.FAILED);
    get("x", 3, 4, 1);
    assertThat(verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void answerFoundOutLaterTakesEffectAfterTheInvocation() {
    op("k", Command.put("x"), 5, NEVER, new Outcome.Written(3));
    get(null, 1, 2, 0);
    get("x", 6, 7, 3);
    assertThat(verdict()).isEqualTo(Verdict.LINEARIZABLE);
    get(null, 8, 9, 0);
    assertThat(verdict()).as("it took effect before a read that saw it").isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void conditionFailuresAreObservations() {
    put("a", 1, 2, 3);
    op("k", Command.putIfAbsent("b"), 3, 4, new Outcome.ConditionFailed(3));
    op("k", Command.compareAndSet(2, "c"), 5, 6, new Outcome.ConditionFailed(3));
    assertThat(verdict()).isEqualTo(Verdict.LINEARIZABLE);
    op("k", Command.delete(), 7, 8, Outcome.NOT_FOUND);
    assertThat(verdict()).as("the key is present, so delete cannot find nothing").isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void putIfAbsentOfTheSameValueCommitsANewVersion() {
    put("a", 1, 2, 3);
    op("k", Command.putIfAbsent("a"), 3, 4, new Outcome.Written(4));
    get("a", 5, 6, 4);
    assertThat(verdict()).isEqualTo(Verdict.LINEARIZABLE);
  }

  @Test
  void compareAndSetMustMatchTheVersionAndZeroMeansAbsent() {
    op("k", Command.compareAndSet(0, "a"), 1, 2, new Outcome.Written(1));
    op("k", Command.compareAndSet(0, "b"), 3, 4, new Outcome.ConditionFailed(1));
    assertThat(verdict()).isEqualTo(Verdict.LINEARIZABLE);
    op("k", Command.compareAndSet(5, "c"), 5, 6, new Outcome.Written(7));
    assertThat(verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void unknownCompareAndSetIsPinnedByWhatLaterReadsSee() {
    put("a", 1, 2, 1);
    op("k", Command.compareAndSet(1, "b"), 3, NEVER, Outcome.UNKNOWN);
    get("b", 4, 5, 9);
    op("k", Command.compareAndSet(9, "c"), 6, 7, new Outcome.Written(10));
    assertThat(verdict()).isEqualTo(Verdict.LINEARIZABLE);
    op("k", Command.compareAndSet(9, "d"), 8, 9, new Outcome.Written(11));
    assertThat(verdict()).isEqualTo(Verdict.NOT_LINEARIZABLE);
  }

  @Test
  void keysAreCheckedApartAndOneViolationMakesTheWhole() {
    op("x", Command.put("a"), 1, 2, new Outcome.Written(1));
    op("y", Command.put("a"), 1, 2, new Outcome.Written(1));
    op("y", Command.get(), 3, 4, Outcome.NOT_FOUND);
    CheckResult r = check();
    assertThat(r.verdictOf("x")).isEqualTo(Verdict.LINEARIZABLE);
    assertThat(r.verdictOf("y")).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(r.overall()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(r.toString()).contains("y: NOT_LINEARIZABLE").doesNotContain("x: ");
  }

  @Test
  void badInputIsRejectedSayingWhatIsAllowed() {
    assertThatThrownBy(() -> LinearizabilityChecker.check(history.build(), Duration.ZERO))
        .hasMessageContaining("must be positive");
    assertThatThrownBy(() -> op("k", Command.get(), 1, 2, new Outcome.Written(1)))
        .hasMessageContaining("GET cannot end with").hasMessageContaining("GET: found or not found");
    assertThatThrownBy(() -> op("k", Command.get(), 5, 4, Outcome.NOT_FOUND))
        .hasMessageContaining("completed at 4 before it was invoked at 5");
    assertThatThrownBy(() -> Command.compareAndSet(-1, "a")).hasMessageContaining("must be >= 0");
    assertThatThrownBy(() -> new Command(Command.Kind.PUT, null, 0)).hasMessageContaining("PUT needs a value");
    Operation a = op("k", Command.get(), 1, 2, Outcome.NOT_FOUND);
    assertThatThrownBy(() -> History.of(java.util.List.of(a, a))).hasMessageContaining("id 0 appears twice");
  }
}
