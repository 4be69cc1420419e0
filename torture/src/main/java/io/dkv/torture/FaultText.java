package io.dkv.torture;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The one-line text form of a {@link FaultWindow}, written by {@link FaultSchedule#toText()} and
 * read back for a replay:
 *
 * <pre>
 * at 1200ms for 3000ms split n1,n2 | n3,n4,n5
 * at 5400ms for 1000ms isolate n3
 * at 7000ms for 2500ms drop n1-&gt;n2
 * at 9900ms for 1500ms kill n4
 * at 12000ms for 2000ms pause n2
 * at 15000ms for 3000ms delay n3 250ms
 * at 19000ms for 4000ms skew n5 -1500ms
 * at 24000ms for 20000ms join n6
 * at 45000ms for 20000ms remove n6
 * </pre>
 */
final class FaultText {
  private static final List<String> FAULTS = List.of("split", "isolate", "drop", "kill", "pause", "delay", "skew",
      "join", "remove");

  private FaultText() {}

  static String format(FaultWindow w) {
    return "at " + w.startMillis() + "ms for " + w.durationMillis() + "ms " + format(w.fault());
  }

  static String format(Fault fault) {
    return switch (fault) {
      case Fault.Split s -> "split " + s.groups().stream()
          .map(g -> g.stream().map(NodeIds::of).collect(Collectors.joining(",")))
          .collect(Collectors.joining(" | "));
      case Fault.Isolate i -> "isolate " + NodeIds.of(i.node());
      case Fault.DropOneWay d -> "drop " + NodeIds.of(d.from()) + "->" + NodeIds.of(d.to());
      case Fault.Kill k -> "kill " + NodeIds.of(k.node());
      case Fault.Pause p -> "pause " + NodeIds.of(p.node());
      case Fault.Delay d -> "delay " + NodeIds.of(d.node()) + " " + d.millis() + "ms";
      case Fault.Skew s -> "skew " + NodeIds.of(s.node()) + " " + String.format("%+d", s.offsetMillis()) + "ms";
      case Fault.Join j -> "join " + NodeIds.of(j.node());
      case Fault.Remove r -> "remove " + NodeIds.of(r.node());
    };
  }

  /** Parses one window line; throws with what was expected when the line is malformed. */
  static FaultWindow parseWindow(String line, int nodeCount) {
    String[] words = line.strip().split("\\s+");
    if (words.length < 6 || !words[0].equals("at") || !words[2].equals("for")) {
      throw new IllegalArgumentException("expected 'at <start>ms for <duration>ms <fault> <args>', got '"
          + line.strip() + "'");
    }
    long start = millis(words[1], "start");
    long duration = millis(words[3], "duration");
    return new FaultWindow(start, duration, parseFault(words[4], Arrays.copyOfRange(words, 5, words.length), nodeCount));
  }

  private static Fault parseFault(String name, String[] args, int nodeCount) {
    return switch (name) {
      case "split" -> {
        List<List<Integer>> groups = new ArrayList<>();
        for (String group : String.join(" ", args).split("\\|")) {
          groups.add(Arrays.stream(group.strip().split(",")).map(id -> NodeIds.parse(id.strip(), nodeCount)).toList());
        }
        yield new Fault.Split(groups);
      }
      case "isolate" -> new Fault.Isolate(node(args, 1, nodeCount));
      case "drop" -> {
        String[] ends = expectArgs(args, 1, "drop n<from>->n<to>")[0].split("->");
        if (ends.length != 2) {
          throw new IllegalArgumentException("expected 'drop n<from>->n<to>', got 'drop " + args[0] + "'");
        }
        yield new Fault.DropOneWay(NodeIds.parse(ends[0], nodeCount), NodeIds.parse(ends[1], nodeCount));
      }
      case "kill" -> new Fault.Kill(node(args, 1, nodeCount));
      case "pause" -> new Fault.Pause(node(args, 1, nodeCount));
      case "delay" -> new Fault.Delay(node(args, 2, nodeCount), millis(args[1], "delay"));
      case "skew" -> new Fault.Skew(node(args, 2, nodeCount), millis(args[1], "skew offset"));
      case "join" -> new Fault.Join(node(args, 1, nodeCount));
      case "remove" -> new Fault.Remove(node(args, 1, nodeCount));
      default -> throw new IllegalArgumentException("unknown fault '" + name + "': allowed " + String.join(", ", FAULTS));
    };
  }

  /** The node named by the first argument, checking that there are exactly {@code count} arguments. */
  private static int node(String[] args, int count, int nodeCount) {
    return NodeIds.parse(expectArgs(args, count, count == 1 ? "one node" : "a node and a time")[0], nodeCount);
  }

  private static String[] expectArgs(String[] args, int count, String expected) {
    if (args.length != count) {
      throw new IllegalArgumentException("expected " + expected + ", got '" + String.join(" ", args) + "'");
    }
    return args;
  }

  static long millis(String word, String what) {
    if (word.endsWith("ms")) {
      try {
        return Long.parseLong(word.substring(0, word.length() - 2));
      } catch (NumberFormatException e) {
        // reported below with what was expected
      }
    }
    throw new IllegalArgumentException("bad " + what + " '" + word + "': expected whole milliseconds like 1500ms");
  }
}
