package io.dkv.core.sim;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.Bytes;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checker must accept what is linearizable and, above all, reject what is not. */
class LinearizabilityCheckerTest {
  private final List<HistoryOp> ops = new ArrayList<>();

  private HistoryOp op(HistoryOp.Kind kind, String value, long expected, long from, long to,
                       HistoryOp.Status status, long version) {
    HistoryOp op = new HistoryOp(ops.size(), 0, "k", kind, value == null ? null : Bytes.utf8(value), expected, from);
    op.returnedAt = status == HistoryOp.Status.UNKNOWN ? Long.MAX_VALUE : to;
    op.status = status;
    op.version = version;
    ops.add(op);
    return op;
  }

  private void put(String v, long from, long to, long version) {
    op(HistoryOp.Kind.PUT, v, 0, from, to, HistoryOp.Status.OK, version);
  }

  private void get(String v, long from, long to, long version) {
    HistoryOp g = op(HistoryOp.Kind.GET, null, 0, from, to, HistoryOp.Status.OK, version);
    g.found = v != null;
    g.readValue = v == null ? Bytes.EMPTY : Bytes.utf8(v);
  }

  private boolean linearizable() {
    return LinearizabilityChecker.check(ops, 1_000_000).linearizable();
  }

  @Test
  void sequentialHistoryIsLinearizable() {
    put("a", 1, 2, 1);
    get("a", 3, 4, 1);
    op(HistoryOp.Kind.DELETE, null, 0, 5, 6, HistoryOp.Status.OK, 2);
    get(null, 7, 8, 0);
    op(HistoryOp.Kind.CAS, "b", 0, 9, 10, HistoryOp.Status.OK, 3);
    assertThat(linearizable()).isTrue();
  }

  @Test
  void staleReadAfterAWriteReturnedIsNot() {
    put("a", 1, 2, 1);
    put("b", 3, 4, 2);
    get("a", 5, 6, 1);
    assertThat(linearizable()).isFalse();
  }

  @Test
  void concurrentWriteMayBeSeenOrNot() {
    put("a", 1, 2, 1);
    put("b", 3, 10, 2);
    get("a", 4, 5, 1);
    get("b", 6, 7, 2);
    assertThat(linearizable()).isTrue();
  }

  @Test
  void versionsMustGrow() {
    put("a", 1, 2, 5);
    put("b", 3, 4, 5);
    assertThat(linearizable()).isFalse();
  }

  @Test
  void unknownWriteMayTakeEffectLaterOrNever() {
    put("a", 1, 2, 1);
    op(HistoryOp.Kind.PUT, "x", 0, 3, 0, HistoryOp.Status.UNKNOWN, 0);
    get("a", 5, 6, 1);
    get("x", 7, 8, 4);
    assertThat(linearizable()).isTrue();
  }

  @Test
  void unknownWriteCannotBeSeenBeforeItWasInvoked() {
    get("x", 1, 2, 1);
    op(HistoryOp.Kind.PUT, "x", 0, 3, 0, HistoryOp.Status.UNKNOWN, 0);
    assertThat(linearizable()).isFalse();
  }

  @Test
  void conditionFailuresAreObservations() {
    put("a", 1, 2, 3);
    op(HistoryOp.Kind.PUT_IF_ABSENT, "b", 0, 3, 4, HistoryOp.Status.CONDITION_FAILED, 3);
    op(HistoryOp.Kind.CAS, "c", 2, 5, 6, HistoryOp.Status.CONDITION_FAILED, 3);
    assertThat(linearizable()).isTrue();
    op(HistoryOp.Kind.DELETE, null, 0, 7, 8, HistoryOp.Status.NOT_FOUND, 0);
    assertThat(linearizable()).as("the key is present, so delete cannot find nothing").isFalse();
  }

  @Test
  void compareAndSetMustMatchTheVersion() {
    put("a", 1, 2, 3);
    op(HistoryOp.Kind.CAS, "b", 2, 3, 4, HistoryOp.Status.OK, 4);
    assertThat(linearizable()).isFalse();
  }
}
