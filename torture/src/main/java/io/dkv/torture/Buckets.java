package io.dkv.torture;

import java.util.ArrayList;
import java.util.List;

/** Operations grouped into equal time slices, for the chart: a few numbers per slice, not per operation. */
final class Buckets {
  private final double sliceSeconds;
  private final long[][] latencies; // per slice, sorted
  private final int[] unanswered;

  private Buckets(double sliceSeconds, long[][] latencies, int[] unanswered) {
    this.sliceSeconds = sliceSeconds;
    this.latencies = latencies;
    this.unanswered = unanswered;
  }

  static Buckets of(List<LatencyLog.Sample> samples, long startNanos, double seconds, int slices) {
    double slice = seconds / slices;
    List<List<Long>> lists = new ArrayList<>();
    for (int i = 0; i < slices; i++) {
      lists.add(new ArrayList<>());
    }
    int[] unanswered = new int[slices];
    for (LatencyLog.Sample s : samples) {
      int i = (int) Math.min(slices - 1, Math.max(0, (s.startNanos() - startNanos) / 1e9 / slice));
      lists.get(i).add(s.latencyNanos());
      if (!s.answered()) {
        unanswered[i]++;
      }
    }
    long[][] sorted = new long[slices][];
    for (int i = 0; i < slices; i++) {
      sorted[i] = lists.get(i).stream().mapToLong(Long::longValue).sorted().toArray();
    }
    return new Buckets(slice, sorted, unanswered);
  }

  int count() {
    return latencies.length;
  }

  double startSeconds(int i) {
    return i * sliceSeconds;
  }

  int unanswered(int i) {
    return unanswered[i];
  }

  /** The slice's latency at {@code quantile} (1.0: the maximum) in milliseconds; 0 for an empty slice. */
  double quantileMillis(int i, double quantile) {
    long[] l = latencies[i];
    if (l.length == 0) {
      return 0;
    }
    int index = (int) Math.min(l.length - 1, Math.ceil(quantile * l.length) - 1);
    return l[Math.max(0, index)] / 1e6;
  }
}
