package io.dkv.torture;

import io.dkv.checker.Outcome;
import java.util.ArrayList;
import java.util.List;

/** Every operation's start and latency, for the latency-over-time chart; safe from any thread. */
public final class LatencyLog {
  /** One operation: when it started (nanoTime), how long it took, and whether it got an answer. */
  public record Sample(long startNanos, long latencyNanos, boolean answered) {}

  private final List<Sample> samples = new ArrayList<>();

  public synchronized void record(long startNanos, long latencyNanos, Outcome outcome) {
    samples.add(new Sample(startNanos, latencyNanos, outcome.answered()));
  }

  public synchronized List<Sample> samples() {
    return List.copyOf(samples);
  }
}
