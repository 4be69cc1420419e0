package io.dkv.checker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.time.Duration;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/** Histories and verdicts saved by a torture run must read back exactly. */
class JsonExportTest {

  private static String write(History h) throws IOException {
    StringWriter out = new StringWriter();
    HistoryJson.write(h, out);
    return out.toString();
  }

  private static String write(CheckResult r) throws IOException {
    StringWriter out = new StringWriter();
    CheckResultJson.write(r, out);
    return out.toString();
  }

  @Property(tries = 300)
  void historiesAndVerdictsRoundTrip(@ForAll long seed) throws IOException {
    Random rnd = new Random(seed);
    History h = Mutations.mutateOneOutcome(RandomExecutions.generate(rnd, 7), rnd);
    assertThat(HistoryJson.read(new StringReader(write(h)))).isEqualTo(h);

    CheckResult r = LinearizabilityChecker.check(h, Duration.ofSeconds(10));
    assertThat(CheckResultJson.read(new StringReader(write(r)))).isEqualTo(r);
  }

  @Test
  void oneOperationPerLineInTheDocumentedShape() throws IOException {
    History.Builder b = History.builder();
    b.add(1, "k", Command.put("a"), 10, 25, new Outcome.Written(1));
    b.add(2, "k", Command.compareAndSet(1, "b"), 12, Operation.NEVER_RETURNED, Outcome.UNKNOWN);
    assertThat(write(b.build())).isEqualTo("""
        {"id":0,"process":1,"key":"k","command":"PUT","value":"a","invokedAt":10,"completedAt":25,"outcome":{"type":"WRITTEN","version":1}}
        {"id":1,"process":2,"key":"k","command":"COMPARE_AND_SET","value":"b","expectedVersion":1,"invokedAt":12,"completedAt":null,"outcome":{"type":"UNKNOWN"}}
        """);
  }

  @Test
  void aViolationsExplanationSurvivesTheRoundTrip() throws IOException {
    History.Builder b = History.builder();
    b.add(1, "k", Command.put("a"), 1, 2, new Outcome.Written(1));
    b.add(1, "k", Command.put("b"), 3, 4, new Outcome.Written(2));
    Operation stale = b.add(2, "k", Command.get(), 5, 6, new Outcome.Found("a", 1));
    CheckResult r = CheckResultJson.read(new StringReader(write(
        LinearizabilityChecker.check(b.build(), Duration.ofSeconds(1)))));
    assertThat(r.overall()).isEqualTo(Verdict.NOT_LINEARIZABLE);
    assertThat(r.keys().getFirst().unplaced()).containsExactly(stale);
  }

  @Test
  void badHistoryLinesAreRejectedNamingLineAndField() {
    assertThatThrownBy(() -> HistoryJson.read(new StringReader("\n{\"id\":0}")))
        .hasMessage("history line 2: missing field \"command\"");
    assertThatThrownBy(() -> HistoryJson.read(new StringReader("{not json")))
        .hasMessageStartingWith("history line 1 is not JSON");
    String line = "{\"id\":0,\"process\":1,\"key\":\"k\",\"command\":\"GET\",\"invokedAt\":1,\"completedAt\":2,"
        + "\"outcome\":{\"type\":\"%s\"}}";
    assertThatThrownBy(() -> HistoryJson.read(new StringReader(line.formatted("MAYBE"))))
        .hasMessageContaining("history line 1: unknown outcome type \"MAYBE\"; allowed: FOUND, NOT_FOUND");
    assertThatThrownBy(() -> HistoryJson.read(new StringReader(line.formatted("WRITTEN"))))
        .hasMessage("history line 1: missing field \"version\"");
    assertThatThrownBy(() -> HistoryJson.read(new StringReader(
        line.replace("\"GET\"", "\"SCAN\"").formatted("FAILED"))))
        .hasMessageContaining("unknown command \"SCAN\"; allowed: GET, PUT");
    assertThatThrownBy(() -> HistoryJson.read(new StringReader(
        line.replace("\"invokedAt\":1", "\"invokedAt\":\"1\"").formatted("FAILED"))))
        .hasMessageContaining("field \"invokedAt\" must be an integer");
  }

  @Test
  void badVerdictDocumentsAreRejected() {
    assertThatThrownBy(() -> CheckResultJson.read(new StringReader("{\"overall\":\"MAYBE\",\"keys\":[]}")))
        .hasMessageContaining("unknown verdict \"MAYBE\"; allowed: LINEARIZABLE, NOT_LINEARIZABLE, UNKNOWN");
    assertThatThrownBy(() -> CheckResultJson.read(new StringReader("[]")))
        .hasMessageContaining("must be a JSON object");
  }
}
