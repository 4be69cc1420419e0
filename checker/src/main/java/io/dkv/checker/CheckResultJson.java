package io.dkv.checker;

import static io.dkv.checker.HistoryJson.MAPPER;
import static io.dkv.checker.HistoryJson.field;
import static io.dkv.checker.HistoryJson.smallInteger;
import static io.dkv.checker.HistoryJson.text;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The verdicts of a check as one JSON document, for example:
 *
 * <pre>
 * {"overall":"NOT_LINEARIZABLE","keys":[{"key":"k","verdict":"NOT_LINEARIZABLE","operations":3,"elapsed":"PT0.001S",
 *   "explanation":"no order fits: ...","unplaced":[{"id":2, ... one operation as in HistoryJson ...}]}]}
 * </pre>
 *
 * {@code elapsed} is an ISO-8601 duration.
 */
public final class CheckResultJson {
  private CheckResultJson() {}

  public static void write(CheckResult result, Writer out) throws IOException {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("overall", result.overall().name());
    ArrayNode keys = root.putArray("keys");
    for (KeyVerdict k : result.keys()) {
      ObjectNode n = keys.addObject();
      n.put("key", k.key()).put("verdict", k.verdict().name()).put("operations", k.operations())
          .put("elapsed", k.elapsed().toString()).put("explanation", k.explanation());
      ArrayNode unplaced = n.putArray("unplaced");
      k.unplaced().forEach(op -> unplaced.add(HistoryJson.toNode(op)));
    }
    MAPPER.writerWithDefaultPrettyPrinter().writeValue(out, root);
  }

  /** Reads what {@link #write} wrote. Bad input fails saying which key and field. */
  public static CheckResult read(Reader in) throws IOException {
    JsonNode root;
    try {
      root = MAPPER.readTree(in);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("check result is not JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("check result must be a JSON object, got " + root);
    }
    Verdict overall = verdict(text(root, "overall", "check result"), "check result");
    List<KeyVerdict> keys = new ArrayList<>();
    for (JsonNode n : array(root, "keys", "check result")) {
      String where = "verdict #" + keys.size();
      String key = text(n, "key", where);
      where += " (key " + key + ")";
      List<Operation> unplaced = new ArrayList<>();
      for (JsonNode op : array(n, "unplaced", where)) {
        unplaced.add(HistoryJson.operation(op, where + " unplaced #" + unplaced.size()));
      }
      keys.add(new KeyVerdict(key, verdict(text(n, "verdict", where), where), smallInteger(n, "operations", where),
          text(n, "explanation", where), unplaced, duration(text(n, "elapsed", where), where)));
    }
    return new CheckResult(overall, keys);
  }

  private static JsonNode array(JsonNode n, String name, String where) {
    JsonNode a = field(n, name, where);
    if (!a.isArray()) {
      throw new IllegalArgumentException(where + ": field \"" + name + "\" must be an array, got " + a);
    }
    return a;
  }

  private static Verdict verdict(String name, String where) {
    try {
      return Verdict.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": unknown verdict \"" + name
          + "\"; allowed: LINEARIZABLE, NOT_LINEARIZABLE, UNKNOWN", e);
    }
  }

  private static Duration duration(String text, String where) {
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(where + ": elapsed must be an ISO-8601 duration such as PT0.25S, got "
          + text, e);
    }
  }
}
