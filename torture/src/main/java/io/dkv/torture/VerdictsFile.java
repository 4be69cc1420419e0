package io.dkv.torture;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dkv.checker.CheckResult;
import io.dkv.checker.CheckResultJson;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/**
 * A run's {@code verdicts.json}: the linearizability verdicts as {@link CheckResultJson} writes
 * them, plus a field {@code availability} with one object per fault window, for example
 *
 * <pre>
 * "availability":[{"fault":"kill n3","startMillis":3000,"durationMillis":15000,"firstAckMillis":4,
 *   "longestGapMillis":6130,"acknowledgedWrites":212,"lastAckMillis":14980}]
 * </pre>
 *
 * ({@code firstAckMillis} and {@code lastAckMillis} are null when there was no such write; see
 * {@link Availability}), and a field {@code membership} with one object per join or removal
 * ({@code endedMillis} null while it went on, {@code tookMillis} null when it did not finish; see
 * {@link MembershipChange}):
 *
 * <pre>
 * "membership":[{"change":"join n4","startMillis":2000,"windowMillis":20000,"beganMillis":2001,"acceptedMillis":5210,
 *   "endedMillis":13337,"finished":true,"tookMillis":8127,
 *   "outcome":"up with 192 of 768 replica slots, the map balanced,"}]
 * </pre>
 *
 * {@link CheckResultJson#read} skips the extra fields, so the file still reads back as the check's
 * result.
 */
final class VerdictsFile {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private VerdictsFile() {}

  static void write(CheckResult linearizability, List<Availability> availability, List<MembershipChange> membership,
                    Path file) throws IOException {
    StringWriter verdicts = new StringWriter();
    CheckResultJson.write(linearizability, verdicts);
    ObjectNode root = (ObjectNode) MAPPER.readTree(verdicts.toString());
    ArrayNode windows = root.putArray("availability");
    for (Availability a : availability) {
      ObjectNode n = windows.addObject()
          .put("fault", FaultText.format(a.window().fault()))
          .put("startMillis", a.window().startMillis())
          .put("durationMillis", a.window().durationMillis());
      putOptional(n, "firstAckMillis", a.firstAckMillis());
      n.put("longestGapMillis", a.longestGapMillis()).put("acknowledgedWrites", a.acknowledgedWrites());
      putOptional(n, "lastAckMillis", a.lastAckMillis());
    }
    ArrayNode changes = root.putArray("membership");
    for (MembershipChange c : membership) {
      ObjectNode n = changes.addObject()
          .put("change", FaultText.format(c.window().fault()))
          .put("startMillis", c.window().startMillis())
          .put("windowMillis", c.window().durationMillis())
          .put("beganMillis", c.beganMillis())
          .put("acceptedMillis", c.acceptedMillis());
      putOptional(n, "endedMillis", c.endedMillis());
      n.put("finished", c.finished());
      putOptional(n, "tookMillis", c.tookMillis());
      n.put("outcome", c.outcome());
    }
    MAPPER.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
  }

  private static void putOptional(ObjectNode n, String field, OptionalLong value) {
    if (value.isPresent()) {
      n.put(field, value.getAsLong());
    } else {
      n.putNull(field);
    }
  }
}
