package io.dkv.torture;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.torture.EventualOp.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventualLostWritesTest {
  private final List<EventualOp> ops = new ArrayList<>();

  @Test
  void aNewerWriteMayReplaceAnAcknowledgedOneButAnOlderMayNot() {
    put("k0", "a", new EventualOp.Written(10));
    put("k0", "b", new EventualOp.Written(20));
    put("k1", "c", new EventualOp.Written(30));
    put("k1", "d", new EventualOp.Written(40));

    List<String> lost = check(Map.of("k0", new ReplicaCopy.Value(20, "b"), "k1", new ReplicaCopy.Value(30, "c")));

    assertThat(lost).containsExactly("k1: put 'd' by client 0 was acknowledged at v40, but the replicas converged to"
        + " the older v30 'c'");
  }

  @Test
  void anAcknowledgedDeleteIsAVersionToo() {
    put("k0", "a", new EventualOp.Written(10));
    delete("k0", new EventualOp.Written(20));

    assertThat(check(Map.of("k0", new ReplicaCopy.Absent()))).isEmpty();
    assertThat(check(Map.of("k0", new ReplicaCopy.Value(10, "a"))))
        .containsExactly("k0: delete by client 0 was acknowledged at v20, but the replicas converged to the older v10 'a'");
  }

  @Test
  void absentAfterAnAcknowledgedPutNeedsADeleteThatCouldBeNewer() {
    delete("k0", new EventualOp.Written(10));
    put("k0", "a", new EventualOp.Written(20));
    put("k1", "b", new EventualOp.Written(5));

    assertThat(check(Map.of("k0", new ReplicaCopy.Absent(), "k1", new ReplicaCopy.Absent()))).containsExactly(
        "k0: put 'a' by client 0 was acknowledged at v20, but the replicas converged to absent and no delete of the"
            + " key that could have taken effect is newer (the newest acknowledged is v10)",
        "k1: put 'b' by client 0 was acknowledged at v5, but the replicas converged to absent and no delete of the"
            + " key was acknowledged or is in doubt");

    delete("k0", new EventualOp.Failed("TIMEOUT", "only 1 of 3 replicas acknowledged"));
    assertThat(check(Map.of("k0", new ReplicaCopy.Absent())))
        .as("a delete whose outcome is unknown may have a newer version").isEmpty();
  }

  @Test
  void aConvergedValueMustBeOneAPutWrote() {
    put("k0", "a", new EventualOp.Failed("TIMEOUT", "only 1 of 3 replicas acknowledged"));

    assertThat(check(Map.of("k0", new ReplicaCopy.Value(7, "a")))).as("a put in doubt may have taken effect").isEmpty();
    assertThat(check(Map.of("k0", new ReplicaCopy.Value(7, "z"))))
        .containsExactly("k0: the replicas converged to v7 'z', a value no put of the key wrote");
  }

  @Test
  void keysWhoseReplicasDidNotAgreeAreLeftToTheConvergenceCheck() {
    put("k0", "a", new EventualOp.Written(10));

    assertThat(EventualLostWrites.check(ops, List.of("k0"), key -> Optional.empty())).isEmpty();
  }

  private List<String> check(Map<String, ReplicaCopy> agreed) {
    return EventualLostWrites.check(ops, List.copyOf(agreed.keySet()).stream().sorted().toList(),
        key -> Optional.ofNullable(agreed.get(key)));
  }

  private void put(String key, String value, EventualOp.Result result) {
    ops.add(new EventualOp(0, 0, key, Kind.PUT, value, ops.size(), ops.size() + 1, result));
  }

  private void delete(String key, EventualOp.Result result) {
    ops.add(new EventualOp(0, 0, key, Kind.DELETE, null, ops.size(), ops.size() + 1, result));
  }
}
