package io.dkv.core.eventual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The HLC rules, case by case; {@link HybridClockPropertiesTest} checks them over generated runs. */
class HybridClockTest {
  private final HybridClock clock = new HybridClock("n1", 500);

  @Test
  void sendFollowsTheWallClockAndCountsWithinAMillisecond() {
    assertThat(clock.last()).isNull();
    assertThat(clock.send(1_000)).isEqualTo(new HybridTimestamp(1_000, 0, "n1"));
    assertThat(clock.send(1_000)).isEqualTo(new HybridTimestamp(1_000, 1, "n1"));
    assertThat(clock.send(1_001)).isEqualTo(new HybridTimestamp(1_001, 0, "n1"));
    assertThat(clock.last()).isEqualTo(new HybridTimestamp(1_001, 0, "n1"));
  }

  @Test
  void aRestartedClockIssuesAboveItsBoundAndThenFollowsTheWallClock() {
    clock.startAbove(1_000);
    assertThat(clock.send(400)).isEqualTo(new HybridTimestamp(1_001, 0, "n1"));
    assertThat(clock.send(400)).isEqualTo(new HybridTimestamp(1_001, 1, "n1"));
    assertThat(clock.send(2_000)).isEqualTo(new HybridTimestamp(2_000, 0, "n1"));
    clock.startAbove(1_500); // below what it issued: no effect
    assertThat(clock.send(2_000)).isEqualTo(new HybridTimestamp(2_000, 1, "n1"));
  }

  @Test
  void aWallClockThatGoesBackwardsNeverMakesTheClockGoBack() {
    clock.send(1_000);
    assertThat(clock.send(400)).isEqualTo(new HybridTimestamp(1_000, 1, "n1"));
    assertThat(clock.send(999)).isEqualTo(new HybridTimestamp(1_000, 2, "n1"));
    assertThat(clock.send(1_001)).isEqualTo(new HybridTimestamp(1_001, 0, "n1"));
  }

  @Test
  void receiveTakesTheLargestPhysicalTimeAndCountsPastTheRemote() {
    clock.send(1_000);
    // Remote ahead (within the drift): its physical time, one past its counter.
    assertThat(clock.receive(new HybridTimestamp(1_200, 7, "n2"), 1_010))
        .isEqualTo(new HybridTimestamp(1_200, 8, "n1"));
    // Same physical time as the clock: one past the larger counter.
    assertThat(clock.receive(new HybridTimestamp(1_200, 3, "n2"), 1_010))
        .isEqualTo(new HybridTimestamp(1_200, 9, "n1"));
    assertThat(clock.receive(new HybridTimestamp(1_200, 20, "n2"), 1_010))
        .isEqualTo(new HybridTimestamp(1_200, 21, "n1"));
    // Remote behind the clock: the clock counts on.
    assertThat(clock.receive(new HybridTimestamp(900, 50, "n2"), 1_010))
        .isEqualTo(new HybridTimestamp(1_200, 22, "n1"));
    // Wall clock past both: back to counter 0.
    assertThat(clock.receive(new HybridTimestamp(1_250, 4, "n2"), 1_300))
        .isEqualTo(new HybridTimestamp(1_300, 0, "n1"));
  }

  @Test
  void aTimestampTooFarAheadIsRefusedAndLeavesTheClockAlone() {
    clock.send(1_000);
    HybridTimestamp farAhead = new HybridTimestamp(1_501, 0, "n2");
    assertThat(clock.withinDrift(farAhead, 1_000)).isFalse();
    assertThatThrownBy(() -> clock.receive(farAhead, 1_000))
        .isInstanceOf(ClockDriftException.class)
        .hasMessage("timestamp 1501.0@n2 from node n2 is 501 ms ahead of this node's clock (1000 ms);"
            + " at most 500 ms is allowed (maxClockDriftMillis)");
    assertThat(clock.send(1_000)).isEqualTo(new HybridTimestamp(1_000, 1, "n1"));
    // Exactly the maximum drift is accepted.
    assertThat(clock.receive(new HybridTimestamp(1_500, 0, "n2"), 1_000))
        .isEqualTo(new HybridTimestamp(1_500, 1, "n1"));
  }

  @Test
  void aFullCounterMovesThePhysicalPartOneMillisecondAhead() {
    clock.receive(new HybridTimestamp(1_000, HybridTimestamp.MAX_LOGICAL - 1, "n2"), 1_000);
    assertThat(clock.last()).isEqualTo(new HybridTimestamp(1_000, HybridTimestamp.MAX_LOGICAL, "n1"));
    assertThat(clock.send(1_000)).isEqualTo(new HybridTimestamp(1_001, 0, "n1"));
    assertThat(clock.send(1_001)).isEqualTo(new HybridTimestamp(1_001, 1, "n1"));
  }

  @Test
  void badArgumentsAreRefused() {
    assertThatThrownBy(() -> new HybridClock("n1", -1)).hasMessageContaining("maxDriftMillis must be at least 0");
    assertThatThrownBy(() -> new HybridClock("", 10)).hasMessageContaining("nodeId must be a non-empty string");
    assertThatThrownBy(() -> clock.send(-5)).hasMessageContaining("wall clock -5 ms is outside 0..");
  }
}
