package io.dkv.torture;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The families of faults a {@link FaultSchedule} draws from; written in lower case in schedules. */
public enum FaultKind {
  /** Network partitions: a minority/majority split, one node isolated, or a one-way drop. */
  PARTITION,
  /** kill -9 of one node at the start of the window, restart at the end. */
  KILL,
  /** SIGSTOP of one node at the start of the window, SIGCONT at the end. */
  PAUSE,
  /** Every link into and out of one node delayed for the window. */
  DELAY,
  /** One node's clock offset for the window. */
  SKEW,
  /**
   * A node outside the cluster starts with {@code dkv server --join} at the start of the window
   * and receives its share of the partitions; it stays when the window ends.
   */
  JOIN,
  /**
   * {@code dkv cluster remove} of a node that is not a directory voter at the start of the window:
   * it drains, and its process is stopped once the directory has removed it.
   */
  REMOVE;

  /** Whether windows of this kind change the cluster's members rather than break something for a while. */
  public boolean changesMembership() {
    return this == JOIN || this == REMOVE;
  }

  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static FaultKind parse(String text) {
    for (FaultKind k : values()) {
      if (k.text().equals(text)) {
        return k;
      }
    }
    throw new IllegalArgumentException("unknown fault kind '" + text + "': allowed "
        + Arrays.stream(values()).map(FaultKind::text).collect(Collectors.joining(", ")));
  }
}
