package io.dkv.torture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The files of an eventual run besides {@code schedule.txt} and the servers' logs: {@code
 * summary.txt}, {@code operations.jsonl} (one operation per line, in invocation order, times in ns of
 * {@link System#nanoTime()}) and {@code verdicts.json}, for example
 *
 * <pre>
 * {"passed":true,"fullMapAfterMillis":5120,"convergedAfterMillis":5830,"convergencePasses":4,"repair":"read repair: ...","lostWrites":[],
 *  "availability":[{"fault":"split n1,n2 | n3","startMillis":2001,"durationMillis":12000,"keysWrittenOnEverySide":50,
 *    "sides":[{"nodes":"n1,n2","reads":{"attempted":900,"succeeded":900,"failed":{}},
 *              "writes":{"attempted":800,"succeeded":798,"failed":{"TIMEOUT":2}}}, ...]}]}
 * </pre>
 *
 * ({@code fullMapAfterMillis} and {@code convergedAfterMillis} are null when that did not happen within
 * the limit; see {@link Convergence.Result}).
 */
final class EventualFiles {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private EventualFiles() {}

  static void write(EventualReport report, List<EventualOp> ops, Path out) throws IOException {
    Files.writeString(out.resolve("summary.txt"), report.summary() + "\n");
    try (Writer w = Files.newBufferedWriter(out.resolve("operations.jsonl"))) {
      for (EventualOp op : ops.stream().sorted(Comparator.comparingLong(EventualOp::invokedNanos)).toList()) {
        w.write(MAPPER.writeValueAsString(operation(op)));
        w.write('\n');
      }
    }
    MAPPER.writerWithDefaultPrettyPrinter().writeValue(out.resolve("verdicts.json").toFile(), verdicts(report));
  }

  private static ObjectNode operation(EventualOp op) {
    ObjectNode n = MAPPER.createObjectNode().put("client", op.client()).put("node", NodeIds.of(op.node()))
        .put("key", op.key()).put("op", op.kind().name().toLowerCase(Locale.ROOT)).put("value", op.value())
        .put("invokedNanos", op.invokedNanos()).put("completedNanos", op.completedNanos());
    switch (op.result()) {
      case EventualOp.Written w -> n.put("result", "written").put("version", w.version());
      case EventualOp.Found f -> n.put("result", "found").put("version", f.version()).put("read", f.value());
      case EventualOp.NotFound nf -> n.put("result", "not found");
      case EventualOp.Failed f -> n.put("result", "failed").put("code", f.code()).put("message", f.message());
    }
    return n;
  }

  private static ObjectNode verdicts(EventualReport report) {
    ObjectNode root = MAPPER.createObjectNode().put("passed", report.passed());
    putMillis(root, "fullMapAfterMillis", report.convergence().fullMapAfter());
    putMillis(root, "convergedAfterMillis", report.convergence().convergedAfter());
    root.put("convergencePasses", report.convergence().passes()).put("repair", report.repair());
    ArrayNode issues = root.putArray("convergenceIssues");
    report.convergence().issues().forEach(issues::add);
    ArrayNode lost = root.putArray("lostWrites");
    report.lostWrites().forEach(lost::add);
    ArrayNode windows = root.putArray("availability");
    for (SideAvailability a : report.availability()) {
      ObjectNode w = windows.addObject().put("fault", FaultText.format(a.window().fault()))
          .put("startMillis", a.window().startMillis()).put("durationMillis", a.window().durationMillis())
          .put("keysWrittenOnEverySide", a.keysWrittenOnEverySide());
      ArrayNode sides = w.putArray("sides");
      for (SideAvailability.Side s : a.sides()) {
        ObjectNode side = sides.addObject().put("nodes", String.join(",", s.nodes().stream().map(NodeIds::of).toList()));
        tally(side.putObject("reads"), s.reads());
        tally(side.putObject("writes"), s.writes());
      }
    }
    return root;
  }

  private static void putMillis(ObjectNode n, String field, Duration d) {
    if (d == null) {
      n.putNull(field);
    } else {
      n.put(field, d.toMillis());
    }
  }

  private static void tally(ObjectNode n, SideAvailability.Tally t) {
    n.put("attempted", t.attempted()).put("succeeded", t.succeeded());
    ObjectNode failed = n.putObject("failed");
    t.failedByCode().forEach(failed::put);
  }
}
