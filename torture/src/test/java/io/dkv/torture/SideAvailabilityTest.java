package io.dkv.torture;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.torture.EventualOp.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SideAvailabilityTest {
  /** The schedule's time 0 in the operations' clock: any value, to show that only differences count. */
  private static final long ORIGIN_NANOS = 7_000_000_000L;
  private static final FaultSchedule SCHEDULE = FaultSchedule.parse("""
      dkv-fault-schedule seed=1 nodes=3 kinds=partition,kill total=20000ms
      at 1000ms for 10000ms split n1,n2 | n3
      at 13000ms for 2000ms kill n2
      """);

  private final List<EventualOp> ops = new ArrayList<>();

  @Test
  void countsEachSidesReadsAndWritesByOutcomeInTheWindowTheyWereIssuedIn() {
    op(0, Kind.PUT, 500, new EventualOp.Written(1)); // before the split
    op(0, Kind.PUT, 2_000, new EventualOp.Written(2));
    op(1, Kind.DELETE, 3_000, new EventualOp.Written(3));
    op(1, Kind.GET, 4_000, new EventualOp.NotFound());
    op(0, Kind.GET, 10_999, new EventualOp.Found("a", 2)); // issued inside, answered after the end: counts
    op(2, Kind.PUT, 2_000, new EventualOp.Failed("TIMEOUT", "only 1 of 3 acknowledged"));
    op(2, Kind.PUT, 5_000, new EventualOp.Failed("TIMEOUT", "only 1 of 3 acknowledged"));
    op(2, Kind.PUT, 6_000, new EventualOp.Written(4));
    op(0, "k1", Kind.PUT, 6_500, new EventualOp.Written(5));
    op(2, Kind.GET, 7_000, new EventualOp.Failed("UNAVAILABLE", "only 1 of 3 replicas answered"));
    op(2, Kind.GET, 11_000, new EventualOp.Found("b", 4)); // issued at the end: not in the window
    op(1, Kind.GET, 13_500, new EventualOp.Failed("UNAVAILABLE", "connection refused"));
    op(0, Kind.GET, 13_600, new EventualOp.Found("a", 2));

    List<SideAvailability> measured = SideAvailability.of(SCHEDULE.windows(), ops, ORIGIN_NANOS, 3);

    SideAvailability split = measured.get(0);
    assertThat(split.sides()).extracting(SideAvailability.Side::nodes).containsExactly(List.of(0, 1), List.of(2));
    SideAvailability.Side majority = split.sides().get(0);
    assertThat(majority.writes()).isEqualTo(new SideAvailability.Tally(3, 3, Map.of()));
    assertThat(majority.reads()).isEqualTo(new SideAvailability.Tally(2, 2, Map.of()));
    SideAvailability.Side minority = split.sides().get(1);
    assertThat(minority.writes()).isEqualTo(new SideAvailability.Tally(3, 1, Map.of("TIMEOUT", 2)));
    assertThat(minority.reads()).isEqualTo(new SideAvailability.Tally(1, 0, Map.of("UNAVAILABLE", 1)));
    assertThat(minority.writes().successRatio()).isEqualTo(1 / 3.0);
    assertThat(split.describe()).isEqualTo("split n1,n2 | n3 for 10000 ms: side n1,n2: writes 3 of 3 succeeded"
        + " (100.0 %), reads 2 of 2 succeeded (100.0 %); side n3: writes 1 of 3 succeeded (33.3 %; failed: TIMEOUT 2),"
        + " reads 0 of 1 succeeded (0.0 %; failed: UNAVAILABLE 1); 1 keys took acknowledged writes on every side");
    assertThat(split.keysWrittenOnEverySide()).as("k0 by n1 and n3; k1 only by n1").isEqualTo(1);

    SideAvailability kill = measured.get(1);
    assertThat(kill.sides()).extracting(SideAvailability.Side::nodes).containsExactly(List.of(1), List.of(0, 2));
    assertThat(kill.sides().get(0).reads()).isEqualTo(new SideAvailability.Tally(1, 0, Map.of("UNAVAILABLE", 1)));
    assertThat(kill.sides().get(1).reads()).isEqualTo(new SideAvailability.Tally(1, 1, Map.of()));
    assertThat(kill.sides().get(1).writes().successRatio()).as("no write attempted").isEqualTo(1.0);
  }

  @Test
  void aFaultOfOneNodeMakesThatNodeAndTheOthersTheSides() {
    assertThat(SideAvailability.sidesOf(new Fault.Isolate(1), 4)).containsExactly(List.of(1), List.of(0, 2, 3));
    assertThat(SideAvailability.sidesOf(new Fault.DropOneWay(2, 0), 3)).containsExactly(List.of(2), List.of(0, 1));
    assertThat(SideAvailability.sidesOf(new Fault.Pause(0), 1)).containsExactly(List.of(0));
    assertThat(SideAvailability.sidesOf(new Fault.Split(List.of(List.of(0), List.of(1), List.of(2))), 3))
        .containsExactly(List.of(0), List.of(1), List.of(2));
  }

  private void op(int node, Kind kind, long invokedMillis, EventualOp.Result result) {
    op(node, "k0", kind, invokedMillis, result);
  }

  private void op(int node, String key, Kind kind, long invokedMillis, EventualOp.Result result) {
    long invoked = ORIGIN_NANOS + invokedMillis * 1_000_000;
    ops.add(new EventualOp(node, node, key, kind, kind == Kind.PUT ? "v" + ops.size() : null, invoked,
        invoked + 1_000_000, result));
  }
}
