package io.dkv.torture;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A timed list of faults for {@code nodeCount} node slots, generated from a seed so that a
 * failing run can be replayed: print {@link #toText()} with the failure, feed it to
 * {@link #parse(String)} (or call {@link #generate} with the printed seed) to get the same faults.
 * The last {@code joiners} slots start outside the cluster and enter it by a {@code join}; the
 * others found it. Who may be named when is {@link ScheduledMembers}' business.
 *
 * <p>Generated windows follow each other with a quiet gap between them (one fault at a time, every
 * fault undone before the next), which keeps each failure attributable to one fault. A window lasts
 * {@value #MIN_DURATION_MILLIS} to {@value #MAX_DURATION_MILLIS} ms (a membership change longer,
 * see {@link ScheduleGenerator}) and the gaps last {@value #MIN_GAP_MILLIS} to
 * {@value #MAX_GAP_MILLIS} ms; no window ends after {@code totalMillis}. The generator uses
 * {@link java.util.Random}, whose sequence the JDK specifies, so a seed means the same schedule on
 * every JVM. A hand-written schedule may overlap windows, for example a kill during a join.
 */
public record FaultSchedule(long seed, int nodeCount, int joiners, Set<FaultKind> kinds, long totalMillis,
                            List<FaultWindow> windows) {
  static final long MIN_DURATION_MILLIS = 1_000;
  static final long MAX_DURATION_MILLIS = 5_000;
  static final long MIN_GAP_MILLIS = 500;
  static final long MAX_GAP_MILLIS = 2_500;
  private static final String HEADER = "dkv-fault-schedule";
  private static final String HEADER_FORMAT = HEADER
      + " seed=<long> nodes=<n> [joiners=<n>] kinds=<kind,...> total=<ms>ms";

  public FaultSchedule {
    NodeIds.requireCount(nodeCount);
    if (kinds.isEmpty()) {
      throw new IllegalArgumentException("no fault kinds: allowed any of " + allKinds());
    }
    if (nodeCount < 2 && (kinds.contains(FaultKind.PARTITION) || kinds.contains(FaultKind.DELAY))) {
      throw new IllegalArgumentException("partition and delay faults act on links, so they need at least 2 nodes; got "
          + nodeCount);
    }
    if (totalMillis <= 0) {
      throw new IllegalArgumentException("total time must be positive, got " + totalMillis + " ms");
    }
    kinds = Collections.unmodifiableSet(EnumSet.copyOf(kinds));
    windows = List.copyOf(windows);
    for (FaultWindow w : windows) {
      requireFits(w, nodeCount);
    }
    ScheduledMembers.check(nodeCount, joiners, windows);
  }

  /** A schedule in which every node founds the cluster. */
  public FaultSchedule(long seed, int nodeCount, Set<FaultKind> kinds, long totalMillis, List<FaultWindow> windows) {
    this(seed, nodeCount, 0, kinds, totalMillis, windows);
  }

  /** The nodes that found the cluster: the first ones, all but the joiner slots. */
  public int founders() {
    return nodeCount - joiners;
  }

  /**
   * The schedule for {@code seed} on {@code founders} nodes: the same arguments always give the same
   * windows ({@link ScheduleGenerator}). With {@code join} among the kinds the schedule has one
   * node slot more, outside the cluster until it joins.
   */
  public static FaultSchedule generate(long seed, int founders, Set<FaultKind> kinds, long totalMillis) {
    return ScheduleGenerator.generate(seed, founders, kinds, totalMillis);
  }

  /** The header line and one line per window; {@link #parse(String)} reads it back to an equal schedule. */
  public String toText() {
    StringBuilder text = new StringBuilder(HEADER + " seed=" + seed + " nodes=" + nodeCount
        + (joiners > 0 ? " joiners=" + joiners : "") + " kinds="
        + kinds.stream().map(FaultKind::text).collect(Collectors.joining(",")) + " total=" + totalMillis + "ms\n");
    windows.forEach(w -> text.append(FaultText.format(w)).append('\n'));
    return text.toString();
  }

  /**
   * Reads the output of {@link #toText()}. Blank lines and lines starting with {@code #} are
   * skipped; any other malformed line fails with its line number and what was expected.
   */
  public static FaultSchedule parse(String text) {
    List<String> lines = text.lines().toList();
    FaultSchedule header = null;
    List<FaultWindow> windows = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      try {
        if (header == null) {
          header = parseHeader(line);
        } else {
          windows.add(FaultText.parseWindow(line, header.nodeCount()));
        }
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("fault schedule line " + (i + 1) + ": " + e.getMessage(), e);
      }
    }
    if (header == null) {
      throw new IllegalArgumentException("empty fault schedule: expected the line '" + HEADER_FORMAT + "'");
    }
    return new FaultSchedule(header.seed(), header.nodeCount(), header.joiners(), header.kinds(), header.totalMillis(),
        windows);
  }

  /** The header as a schedule without windows; {@code joiners=} is left out when there are none. */
  private static FaultSchedule parseHeader(String line) {
    List<String> words = new ArrayList<>(List.of(line.split("\\s+")));
    int joiners = words.size() == 6 && words.get(3).startsWith("joiners=")
        ? toInt(number(words.remove(3), "joiners")) : 0;
    if (words.size() != 5 || !words.get(0).equals(HEADER)) {
      throw new IllegalArgumentException("expected '" + HEADER_FORMAT + "', got '" + line + "'");
    }
    Set<FaultKind> kinds = new HashSet<>();
    for (String k : value(words.get(3), "kinds").split(",")) {
      kinds.add(FaultKind.parse(k));
    }
    return new FaultSchedule(number(words.get(1), "seed"), toInt(number(words.get(2), "nodes")), joiners, kinds,
        FaultText.millis(value(words.get(4), "total"), "total"), List.of());
  }

  private static int toInt(long n) {
    return Math.clamp(n, Integer.MIN_VALUE, Integer.MAX_VALUE);
  }

  private static long number(String word, String key) {
    try {
      return Long.parseLong(value(word, key));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bad " + key + " in '" + word + "': expected a whole number", e);
    }
  }

  private static String value(String word, String key) {
    if (!word.startsWith(key + "=")) {
      throw new IllegalArgumentException("bad header field '" + word + "': expected " + key + "=...");
    }
    return word.substring(key.length() + 1);
  }

  private static void requireFits(FaultWindow w, int nodeCount) {
    Set<Integer> seen = new HashSet<>();
    for (int node : w.fault().nodes()) {
      NodeIds.requireIndex(node, nodeCount);
      if (!seen.add(node)) {
        throw new IllegalArgumentException("'" + FaultText.format(w) + "' names " + NodeIds.of(node) + " twice");
      }
    }
    if (w.fault() instanceof Fault.Split && seen.size() != nodeCount) {
      throw new IllegalArgumentException("'" + FaultText.format(w) + "' must put each of the " + nodeCount
          + " nodes in exactly one group");
    }
  }

  private static String allKinds() {
    return EnumSet.allOf(FaultKind.class).stream().map(FaultKind::text).collect(Collectors.joining(", "));
  }
}
