package io.dkv.protocol;

import io.dkv.protocol.ClientMessage.RepairResponse;
import java.util.ArrayList;
import java.util.List;

/** Field layout of REPAIR's response; {@code docs/protocol.md} lists the same order. */
final class RepairBodies {
  private RepairBodies() {}

  static void write(BodyWriter w, RepairResponse m) {
    w.string(m.node()).i32(m.sessions()).i64(m.keysDiffered()).i64(m.valuesShipped()).u32(m.errors().size());
    for (String e : m.errors()) {
      w.string(e);
    }
  }

  static RepairResponse readResponse(BodyReader r) {
    String node = r.string("node");
    int sessions = (int) nonNegative(r, "sessions", r.position(), r.i32("sessions"));
    long keys = nonNegative(r, "keysDiffered", r.position(), r.i64("keysDiffered"));
    long shipped = nonNegative(r, "valuesShipped", r.position(), r.i64("valuesShipped"));
    int n = r.count("errors", 2);
    List<String> errors = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      errors.add(r.string("errors[" + i + "]"));
    }
    return new RepairResponse(node, sessions, keys, shipped, errors);
  }

  private static long nonNegative(BodyReader r, String field, int at, long value) {
    if (value < 0) {
      throw r.fail(field, at, value + " is negative; a count is 0 or more");
    }
    return value;
  }
}
