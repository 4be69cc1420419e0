package io.dkv.torture;

/**
 * A fault that holds from {@code startMillis} after the schedule starts for {@code durationMillis}.
 */
public record FaultWindow(long startMillis, long durationMillis, Fault fault) {
  public FaultWindow {
    if (startMillis < 0) {
      throw new IllegalArgumentException("a window cannot start before the schedule: start " + startMillis + " ms");
    }
    if (durationMillis <= 0) {
      throw new IllegalArgumentException("a window must last more than 0 ms, got " + durationMillis + " ms");
    }
  }

  public long endMillis() {
    return startMillis + durationMillis;
  }
}
