package io.dkv.checker;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/**
 * A history as JSON Lines: one operation per line, in history order, so that a long run can be
 * saved, read back, diffed and grepped. For example:
 *
 * <pre>
 * {"id":0,"process":1,"key":"k","command":"PUT","value":"a","invokedAt":10,"completedAt":25,"outcome":{"type":"WRITTEN","version":1}}
 * {"id":1,"process":2,"key":"k","command":"COMPARE_AND_SET","value":"b","expectedVersion":1,"invokedAt":12,"completedAt":null,"outcome":{"type":"UNKNOWN"}}
 * {"id":2,"process":1,"key":"k","command":"GET","invokedAt":30,"completedAt":31,"outcome":{"type":"FOUND","value":"a","version":1}}
 * </pre>
 *
 * <p>{@code completedAt} is null for an operation that never returned; {@code value} and
 * {@code expectedVersion} appear only for the commands that take them. Outcome types: FOUND (value,
 * version), NOT_FOUND, WRITTEN (version), CONDITION_FAILED (version), FAILED, UNKNOWN.
 */
public final class HistoryJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private HistoryJson() {}

  public static void write(History history, Writer out) throws IOException {
    for (Operation op : history.operations()) {
      out.write(MAPPER.writeValueAsString(toNode(op)));
      out.write('\n');
    }
    out.flush();
  }

  /** Reads what {@link #write} wrote; blank lines are skipped. Bad input fails naming its line. */
  public static History read(Reader in) throws IOException {
    BufferedReader lines = new BufferedReader(in);
    List<Operation> ops = new ArrayList<>();
    int lineNumber = 0;
    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
      lineNumber++;
      if (line.isBlank()) {
        continue;
      }
      String where = "history line " + lineNumber;
      try {
        ops.add(operation(MAPPER.readTree(line), where));
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(where + " is not JSON: " + e.getOriginalMessage(), e);
      }
    }
    return History.of(ops);
  }

  static ObjectNode toNode(Operation op) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("id", op.id()).put("process", op.process()).put("key", op.key())
        .put("command", op.command().kind().name());
    if (op.command().value() != null) {
      n.put("value", op.command().value());
    }
    if (op.command().kind() == Command.Kind.COMPARE_AND_SET) {
      n.put("expectedVersion", op.command().expectedVersion());
    }
    n.put("invokedAt", op.invokedAt());
    if (op.completedAt() == Operation.NEVER_RETURNED) {
      n.putNull("completedAt");
    } else {
      n.put("completedAt", op.completedAt());
    }
    ObjectNode outcome = n.putObject("outcome");
    switch (op.outcome()) {
      case Outcome.Found f -> outcome.put("type", "FOUND").put("value", f.value()).put("version", f.version());
      case Outcome.NotFound nf -> outcome.put("type", "NOT_FOUND");
      case Outcome.Written w -> outcome.put("type", "WRITTEN").put("version", w.version());
      case Outcome.ConditionFailed c -> outcome.put("type", "CONDITION_FAILED").put("version", c.version());
      case Outcome.Failed f -> outcome.put("type", "FAILED");
      case Outcome.Unknown u -> outcome.put("type", "UNKNOWN");
    }
    return n;
  }

  static Operation operation(JsonNode n, String where) {
    if (!n.isObject()) {
      throw new IllegalArgumentException(where + ": expected an operation object, got " + n);
    }
    Command.Kind kind = kind(text(n, "command", where), where);
    JsonNode value = n.get("value");
    long expected = n.has("expectedVersion") ? integer(n, "expectedVersion", where) : 0;
    JsonNode completed = field(n, "completedAt", where);
    try {
      Command command = new Command(kind, value == null ? null : text(n, "value", where), expected);
      return new Operation(smallInteger(n, "id", where), smallInteger(n, "process", where), text(n, "key", where),
          command, integer(n, "invokedAt", where),
          completed.isNull() ? Operation.NEVER_RETURNED : integer(n, "completedAt", where),
          outcome(field(n, "outcome", where), where));
    } catch (IllegalArgumentException e) {
      throw e.getMessage().startsWith(where) ? e : new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  private static Outcome outcome(JsonNode n, String where) {
    String type = text(n, "type", where);
    return switch (type) {
      case "FOUND" -> new Outcome.Found(text(n, "value", where), integer(n, "version", where));
      case "NOT_FOUND" -> Outcome.NOT_FOUND;
      case "WRITTEN" -> new Outcome.Written(integer(n, "version", where));
      case "CONDITION_FAILED" -> new Outcome.ConditionFailed(integer(n, "version", where));
      case "FAILED" -> Outcome.FAILED;
      case "UNKNOWN" -> Outcome.UNKNOWN;
      default -> throw new IllegalArgumentException(where + ": unknown outcome type \"" + type
          + "\"; allowed: FOUND, NOT_FOUND, WRITTEN, CONDITION_FAILED, FAILED, UNKNOWN");
    };
  }

  private static Command.Kind kind(String name, String where) {
    try {
      return Command.Kind.valueOf(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": unknown command \"" + name
          + "\"; allowed: GET, PUT, PUT_IF_ABSENT, DELETE, COMPARE_AND_SET", e);
    }
  }

  static JsonNode field(JsonNode n, String name, String where) {
    JsonNode f = n.get(name);
    if (f == null) {
      throw new IllegalArgumentException(where + ": missing field \"" + name + "\"");
    }
    return f;
  }

  static String text(JsonNode n, String name, String where) {
    JsonNode f = field(n, name, where);
    if (!f.isTextual()) {
      throw new IllegalArgumentException(where + ": field \"" + name + "\" must be a string, got " + f);
    }
    return f.asText();
  }

  static long integer(JsonNode n, String name, String where) {
    JsonNode f = field(n, name, where);
    if (!f.isIntegralNumber() || !f.canConvertToLong()) {
      throw new IllegalArgumentException(where + ": field \"" + name + "\" must be an integer, got " + f);
    }
    return f.asLong();
  }

  static int smallInteger(JsonNode n, String name, String where) {
    long v = integer(n, name, where);
    if (v != (int) v) {
      throw new IllegalArgumentException(where + ": field \"" + name + "\" must fit in 32 bits, got " + v);
    }
    return (int) v;
  }
}
