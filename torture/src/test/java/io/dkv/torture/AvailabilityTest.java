package io.dkv.torture;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dkv.checker.CheckResult;
import io.dkv.checker.CheckResultJson;
import io.dkv.checker.Command;
import io.dkv.checker.History;
import io.dkv.checker.LinearizabilityChecker;
import io.dkv.checker.Outcome;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AvailabilityTest {
  /** The schedule's time 0 in the history's clock: any value, to show that only differences count. */
  private static final long ORIGIN_NANOS = 5_000_000_000L;
  private static final FaultSchedule SCHEDULE = FaultSchedule.parse("""
      dkv-fault-schedule seed=1 nodes=3 kinds=kill,partition total=20000ms
      at 1000ms for 10000ms kill n3
      at 13000ms for 2000ms isolate n2
      at 17000ms for 1000ms isolate n1
      """);

  private final History.Builder history = History.builder();
  private int sequence;

  @Test
  void measuresTheFirstAcknowledgedWriteAndTheLongestGapOfEachWindow() {
    write(0, "k0", 500, 1_200); // issued before the kill: says nothing of the cluster under it
    answerWithoutWriting(1, 4_000);
    write(1, "k1", 7_400, 7_500);
    write(2, "k5", 7_900, 8_000);
    write(0, "k2", 10_850, 10_900);
    write(3, "k1", 15_500, 16_000); // after the isolation of n2 ended

    List<Availability> measured = Availability.of(SCHEDULE.windows(), history.build(), ORIGIN_NANOS);

    Availability kill = measured.get(0);
    assertThat(kill.firstAckMillis()).hasValue(6_500);
    assertThat(kill.longestGapMillis()).as("from the start to 7500 ms; the earlier write, reads, failed"
        + " conditions and timeouts do not count").isEqualTo(6_500);
    assertThat(kill.acknowledgedWrites()).isEqualTo(3);
    assertThat(kill.lastAckMillis()).hasValue(9_900);
    assertThat(kill.acknowledgedInLast(Duration.ofSeconds(3))).isTrue();
    assertThat(kill.acknowledgedInLast(Duration.ofMillis(50))).isFalse();

    Availability isolate = measured.get(1);
    assertThat(isolate.firstAckMillis()).as("past the window's end").hasValue(3_000);
    assertThat(isolate.longestGapMillis()).as("no write inside: the whole window").isEqualTo(2_000);
    assertThat(isolate.acknowledgedWrites()).isZero();
    assertThat(isolate.lastAckMillis()).isEmpty();
    assertThat(isolate.acknowledgedInLast(Duration.ofSeconds(3))).isFalse();

    assertThat(measured.get(2).firstAckMillis()).as("no write issued after it began").isEmpty();
  }

  @Test
  void theGapToTheWindowsEndCountsAndAWriteIssuedAndAcknowledgedAtTheStartIsInside() {
    write(0, "k0", 1_000, 1_000);
    write(1, "k1", 2_000, 2_500);

    Availability kill = Availability.of(SCHEDULE.windows(), history.build(), ORIGIN_NANOS).get(0);

    assertThat(kill.firstAckMillis()).hasValue(0);
    assertThat(kill.longestGapMillis()).as("from 2500 ms to the end at 11000 ms").isEqualTo(8_500);
    assertThat(kill.acknowledgedWrites()).isEqualTo(2);
  }

  @Test
  void theSummaryHasALinePerWindow() {
    write(0, "k0", 1_100, 1_212);
    write(1, "k1", 10_000, 10_960);

    List<Availability> measured = Availability.of(SCHEDULE.windows(), history.build(), ORIGIN_NANOS);

    assertThat(measured.get(0).describe()).isEqualTo("kill n3 for 10000 ms: first write issued since it began"
        + " acknowledged 212 ms in;"
        + " longest gap without an acknowledged write 9748 ms; 2 writes acknowledged in the window,"
        + " the last 40 ms before its end");
    assertThat(measured.get(2).describe()).isEqualTo("isolate n1 for 1000 ms: no write issued since it began was"
        + " acknowledged;"
        + " longest gap without an acknowledged write 1000 ms; 0 writes acknowledged in the window");
  }

  @Test
  void theVerdictsFileCarriesTheAvailabilityAndStillReadsBackAsTheCheckResult(@TempDir Path dir) throws Exception {
    write(0, "k0", 1_100, 1_212);
    History h = history.build();
    CheckResult lin = LinearizabilityChecker.check(h, Duration.ofSeconds(5));
    Path file = dir.resolve("verdicts.json");

    VerdictsFile.write(lin, Availability.of(SCHEDULE.windows(), h, ORIGIN_NANOS), List.of(), file);

    try (Reader in = Files.newBufferedReader(file)) {
      assertThat(CheckResultJson.read(in)).isEqualTo(lin);
    }
    JsonNode windows = new ObjectMapper().readTree(file.toFile()).get("availability");
    assertThat(windows).hasSize(3);
    assertThat(windows.get(0).get("fault").asText()).isEqualTo("kill n3");
    assertThat(windows.get(0).get("firstAckMillis").asLong()).isEqualTo(212);
    assertThat(windows.get(0).get("longestGapMillis").asLong()).isEqualTo(9_788);
    assertThat(windows.get(1).get("startMillis").asLong()).isEqualTo(13_000);
    assertThat(windows.get(1).get("lastAckMillis").isNull()).isTrue();
    assertThat(windows.get(2).get("firstAckMillis").isNull()).isTrue();
  }

  @Test
  void withoutAnyWriteEachWindowIsOneGap() {
    List<Availability> measured = Availability.of(SCHEDULE.windows(), history.build(), ORIGIN_NANOS);

    assertThat(measured).extracting(Availability::firstAckMillis).containsOnly(OptionalLong.empty());
    assertThat(measured).extracting(Availability::longestGapMillis).containsExactly(10_000L, 2_000L, 1_000L);
  }

  /** An acknowledged put by {@code process}, invoked and answered at these times after the schedule's origin. */
  private void write(int process, String key, long invokedMillis, long ackMillis) {
    sequence++;
    history.add(process, key, Command.put("v" + sequence), nanos(invokedMillis), nanos(ackMillis),
        new Outcome.Written(sequence));
  }

  /** A read, a failed condition and a timeout, answered 0, 1 and 2 s after {@code atMillis}: none of them writes. */
  private void answerWithoutWriting(int process, long atMillis) {
    history.add(process, "k3", Command.get(), nanos(atMillis - 10), nanos(atMillis), new Outcome.Found("x", 1));
    history.add(process, "k3", Command.compareAndSet(7, "y"), nanos(atMillis - 10), nanos(atMillis + 1_000),
        new Outcome.ConditionFailed(1));
    history.add(process, "k4", Command.put("z"), nanos(atMillis - 10), nanos(atMillis + 2_000), Outcome.UNKNOWN);
  }

  private static long nanos(long millisAfterOrigin) {
    return ORIGIN_NANOS + millisAfterOrigin * 1_000_000L;
  }
}
