package io.dkv.torture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class FaultScheduleTest {
  private static final Set<FaultKind> ALL = EnumSet.allOf(FaultKind.class);

  @Property(tries = 200)
  void theSameSeedGivesTheSameScheduleAndTheTextReplaysIt(@ForAll long seed, @ForAll @IntRange(min = 2, max = 9) int nodes,
      @ForAll @Size(min = 1) Set<FaultKind> kinds, @ForAll @LongRange(min = 1, max = 120_000) long totalMillis) {
    FaultSchedule schedule = FaultSchedule.generate(seed, nodes, kinds, totalMillis);

    assertThat(FaultSchedule.generate(seed, nodes, kinds, totalMillis)).isEqualTo(schedule);
    assertThat(FaultSchedule.parse(schedule.toText())).isEqualTo(schedule);
    assertThat(FaultSchedule.parse(schedule.toText()).toText()).isEqualTo(schedule.toText());
  }

  @Property(tries = 200)
  void windowsComeOneAtATimeWithinTheTotalAndOnlyOfTheAskedKinds(@ForAll long seed,
      @ForAll @IntRange(min = 2, max = 9) int nodes, @ForAll @Size(min = 1) Set<FaultKind> kinds) {
    long total = 60_000;
    FaultSchedule schedule = FaultSchedule.generate(seed, nodes, kinds, total);

    long previousEnd = 0;
    for (FaultWindow w : schedule.windows()) {
      assertThat(w.startMillis()).isGreaterThanOrEqualTo(previousEnd + FaultSchedule.MIN_GAP_MILLIS);
      assertThat(w.durationMillis()).isBetween(FaultSchedule.MIN_DURATION_MILLIS, FaultSchedule.MAX_DURATION_MILLIS);
      assertThat(w.endMillis()).isLessThanOrEqualTo(total);
      assertThat(kinds).contains(w.fault().kind());
      assertThat(w.fault().nodes()).allSatisfy(n -> assertThat(n).isBetween(0, nodes - 1));
      previousEnd = w.endMillis();
    }
    // The longest possible window and gap still leave room for many windows in a minute.
    assertThat(schedule.windows()).hasSizeGreaterThanOrEqualTo(7);
  }

  @Test
  void aSplitPutsAMinorityAgainstTheRest() {
    List<Fault.Split> splits = IntStream.range(0, 200)
        .mapToObj(seed -> FaultSchedule.generate(seed, 5, Set.of(FaultKind.PARTITION), 60_000))
        .flatMap(s -> s.windows().stream()).map(FaultWindow::fault)
        .filter(f -> f instanceof Fault.Split).map(f -> (Fault.Split) f).toList();

    assertThat(splits).isNotEmpty().allSatisfy(s -> {
      assertThat(s.groups()).hasSize(2);
      assertThat(s.groups().get(0).size()).isBetween(1, 2);
      assertThat(new HashSet<>(s.nodes())).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    });
    assertThat(splits.stream().map(s -> s.groups().get(0).size()).distinct()).containsExactlyInAnyOrder(1, 2);
  }

  @Test
  void differentSeedsGiveDifferentSchedules() {
    Set<String> texts = new HashSet<>();
    for (long seed = 0; seed < 20; seed++) {
      texts.add(FaultSchedule.generate(seed, 5, ALL, 60_000).toText().lines().skip(1).toList().toString());
    }
    assertThat(texts).hasSizeGreaterThan(15);
  }

  @Test
  void aHandWrittenScheduleParsesToTheFaultsItNames() {
    String text = """
        # replay of a failing run
        dkv-fault-schedule seed=7 nodes=5 kinds=partition,kill,pause,delay,skew total=30000ms
        at 1000ms for 2000ms split n1,n2 | n3,n4,n5
        at 3500ms for 1000ms isolate n3
        at 5000ms for 1000ms drop n1->n2
        at 6500ms for 1500ms kill n4

        at 9000ms for 1000ms pause n2
        at 11000ms for 3000ms delay n3 250ms
        at 15000ms for 4000ms skew n5 -1500ms
        """;
    FaultSchedule s = FaultSchedule.parse(text);

    assertThat(s.seed()).isEqualTo(7);
    assertThat(s.nodeCount()).isEqualTo(5);
    assertThat(s.kinds()).isEqualTo(ALL);
    assertThat(s.totalMillis()).isEqualTo(30_000);
    assertThat(s.windows()).containsExactly(
        new FaultWindow(1000, 2000, new Fault.Split(List.of(List.of(0, 1), List.of(2, 3, 4)))),
        new FaultWindow(3500, 1000, new Fault.Isolate(2)),
        new FaultWindow(5000, 1000, new Fault.DropOneWay(0, 1)),
        new FaultWindow(6500, 1500, new Fault.Kill(3)),
        new FaultWindow(9000, 1000, new Fault.Pause(1)),
        new FaultWindow(11000, 3000, new Fault.Delay(2, 250)),
        new FaultWindow(15000, 4000, new Fault.Skew(4, -1500)));
    assertThat(s.toText()).contains("at 15000ms for 4000ms skew n5 -1500ms\n", "split n1,n2 | n3,n4,n5\n");
  }

  @Test
  void badSchedulesFailWithTheLineAndWhatIsAllowed() {
    String header = "dkv-fault-schedule seed=1 nodes=3 kinds=kill total=10000ms\n";
    assertThatThrownBy(() -> FaultSchedule.parse(""))
        .hasMessageContaining("empty fault schedule");
    assertThatThrownBy(() -> FaultSchedule.parse("dkv-fault-schedule seed=x nodes=3 kinds=kill total=1ms"))
        .hasMessageContaining("line 1").hasMessageContaining("bad seed");
    assertThatThrownBy(() -> FaultSchedule.parse(header + "at 1ms for 1ms explode n1"))
        .hasMessageContaining("line 2").hasMessageContaining("unknown fault 'explode'")
        .hasMessageContaining("split, isolate, drop, kill, pause, delay, skew");
    assertThatThrownBy(() -> FaultSchedule.parse(header + "at 1ms for 1ms kill n4"))
        .hasMessageContaining("bad node id 'n4': expected n1 to n3");
    assertThatThrownBy(() -> FaultSchedule.parse(header + "at 1s for 1ms kill n1"))
        .hasMessageContaining("bad start '1s': expected whole milliseconds");
    assertThatThrownBy(() -> FaultSchedule.parse(header + "at 1ms for 0ms kill n1"))
        .hasMessageContaining("must last more than 0 ms");
    assertThatThrownBy(() -> FaultSchedule.parse(header + "at 1ms for 1ms split n1 | n2"))
        .hasMessageContaining("each of the 3 nodes in exactly one group");
    assertThatThrownBy(() -> FaultSchedule.parse(header + "at 1ms for 1ms split n1,n2 | n2,n3"))
        .hasMessageContaining("names n2 twice");
    assertThatThrownBy(() -> FaultSchedule.parse(header + "at 1ms for 1ms drop n1"))
        .hasMessageContaining("expected 'drop n<from>->n<to>'");
    assertThatThrownBy(() -> FaultSchedule.parse(header + "at 1ms for 1ms delay n1"))
        .hasMessageContaining("expected a node and a time");
    assertThatThrownBy(() -> FaultSchedule.parse("dkv-fault-schedule seed=1 nodes=3 kinds=kill,flood total=1ms"))
        .hasMessageContaining("unknown fault kind 'flood': allowed partition, kill, pause, delay, skew");
  }

  @Test
  void badGeneratorArgumentsSayWhatIsAllowed() {
    assertThatThrownBy(() -> FaultSchedule.generate(1, 1, Set.of(FaultKind.PARTITION), 1000))
        .hasMessageContaining("need at least 2 nodes");
    assertThatThrownBy(() -> FaultSchedule.generate(1, 3, Set.of(), 1000)).hasMessageContaining("no fault kinds");
    assertThatThrownBy(() -> FaultSchedule.generate(1, 51, ALL, 1000)).hasMessageContaining("allowed 1 to 50");
    assertThatThrownBy(() -> FaultSchedule.generate(1, 3, ALL, 0)).hasMessageContaining("must be positive");
    assertThat(FaultSchedule.generate(1, 1, Set.of(FaultKind.KILL, FaultKind.PAUSE, FaultKind.SKEW), 60_000).windows())
        .isNotEmpty();
  }
}
