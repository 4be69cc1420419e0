package io.dkv.torture;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A timed list of faults for a cluster of {@code nodeCount} nodes, generated from a seed so that a
 * failing run can be replayed: print {@link #toText()} with the failure, feed it to
 * {@link #parse(String)} (or call {@link #generate} with the printed seed) to get the same faults.
 *
 * <p>Windows follow each other with a quiet gap between them (one fault at a time, every fault
 * undone before the next), which keeps each failure attributable to one fault. A window lasts
 * {@value #MIN_DURATION_MILLIS} to {@value #MAX_DURATION_MILLIS} ms and the gaps last
 * {@value #MIN_GAP_MILLIS} to {@value #MAX_GAP_MILLIS} ms; no window ends after
 * {@code totalMillis}. The generator uses {@link java.util.Random}, whose sequence the JDK
 * specifies, so a seed means the same schedule on every JVM.
 */
public record FaultSchedule(long seed, int nodeCount, Set<FaultKind> kinds, long totalMillis, List<FaultWindow> windows) {
  static final long MIN_DURATION_MILLIS = 1_000;
  static final long MAX_DURATION_MILLIS = 5_000;
  static final long MIN_GAP_MILLIS = 500;
  static final long MAX_GAP_MILLIS = 2_500;
  private static final String HEADER = "dkv-fault-schedule";
  private static final String HEADER_FORMAT = HEADER + " seed=<long> nodes=<n> kinds=<kind,...> total=<ms>ms";

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
  }

  /** The schedule for {@code seed}: the same arguments always give the same windows. */
  public static FaultSchedule generate(long seed, int nodeCount, Set<FaultKind> kinds, long totalMillis) {
    // Validate before drawing, so bad arguments fail with the constructor's message.
    new FaultSchedule(seed, nodeCount, kinds, totalMillis, List.of());
    Random random = new Random(seed);
    List<FaultKind> ordered = List.copyOf(EnumSet.copyOf(kinds));
    List<FaultWindow> windows = new ArrayList<>();
    long start = between(random, MIN_GAP_MILLIS, MAX_GAP_MILLIS);
    while (true) {
      long duration = between(random, MIN_DURATION_MILLIS, MAX_DURATION_MILLIS);
      if (start + duration > totalMillis) {
        break;
      }
      FaultKind kind = ordered.get(random.nextInt(ordered.size()));
      windows.add(new FaultWindow(start, duration, draw(kind, nodeCount, random)));
      start += duration + between(random, MIN_GAP_MILLIS, MAX_GAP_MILLIS);
    }
    return new FaultSchedule(seed, nodeCount, kinds, totalMillis, windows);
  }

  private static Fault draw(FaultKind kind, int nodeCount, Random random) {
    int node = random.nextInt(nodeCount);
    return switch (kind) {
      case PARTITION -> switch (random.nextInt(3)) {
        case 0 -> nodeCount >= 3 ? split(nodeCount, random) : new Fault.Isolate(node);
        case 1 -> new Fault.Isolate(node);
        default -> new Fault.DropOneWay(node, (node + 1 + random.nextInt(nodeCount - 1)) % nodeCount);
      };
      case KILL -> new Fault.Kill(node);
      case PAUSE -> new Fault.Pause(node);
      case DELAY -> new Fault.Delay(node, between(random, 50, 500));
      case SKEW -> new Fault.Skew(node, (random.nextBoolean() ? 1 : -1) * between(random, 100, 5_000));
    };
  }

  /** A minority of 1 to (n-1)/2 random nodes against the rest. */
  private static Fault split(int nodeCount, Random random) {
    List<Integer> nodes = new ArrayList<>(IntStream.range(0, nodeCount).boxed().toList());
    Collections.shuffle(nodes, random);
    int minority = 1 + random.nextInt((nodeCount - 1) / 2);
    return new Fault.Split(List.of(nodes.subList(0, minority).stream().sorted().toList(),
        nodes.subList(minority, nodeCount).stream().sorted().toList()));
  }

  private static long between(Random random, long min, long max) {
    return min + random.nextInt((int) (max - min + 1));
  }

  /** The header line and one line per window; {@link #parse(String)} reads it back to an equal schedule. */
  public String toText() {
    StringBuilder text = new StringBuilder(HEADER + " seed=" + seed + " nodes=" + nodeCount + " kinds="
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
    return new FaultSchedule(header.seed(), header.nodeCount(), header.kinds(), header.totalMillis(), windows);
  }

  /** The header as a schedule without windows. */
  private static FaultSchedule parseHeader(String line) {
    String[] words = line.split("\\s+");
    if (words.length != 5 || !words[0].equals(HEADER)) {
      throw new IllegalArgumentException("expected '" + HEADER_FORMAT + "', got '" + line + "'");
    }
    Set<FaultKind> kinds = new HashSet<>();
    for (String k : value(words[3], "kinds").split(",")) {
      kinds.add(FaultKind.parse(k));
    }
    return new FaultSchedule(number(words[1], "seed"), Math.clamp(number(words[2], "nodes"), Integer.MIN_VALUE, Integer.MAX_VALUE), kinds,
        FaultText.millis(value(words[4], "total"), "total"), List.of());
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
