package io.dkv.torture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dkv.checker.History;
import io.dkv.checker.LinearizabilityChecker;
import io.dkv.protocol.ClientMessage.ClusterStatusResponse;
import io.dkv.protocol.ClientMessage.MemberState;
import io.dkv.protocol.ClientMessage.MemberStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MembershipChangeTest {
  private static final FaultWindow JOIN = new FaultWindow(2_000, 20_000, new Fault.Join(3));
  private static final FaultWindow REMOVE = new FaultWindow(24_000, 20_000, new Fault.Remove(3));

  /** A directory status of Q 256, RF 3: each member as "n1 up 192". */
  private static ClusterStatusResponse status(String... members) {
    List<MemberStatus> list = new ArrayList<>();
    for (String m : members) {
      String[] f = m.split(" ");
      list.add(new MemberStatus(f[0], "10.0.0.1:7000", MemberState.valueOf(f[1].toUpperCase()), Integer.parseInt(f[2]),
          false));
    }
    return new ClusterStatusResponse(40, "n1", 256, 3, list, List.of());
  }

  @Test
  void aJoinFinishesOnceTheNodeIsUpAndEveryMemberHoldsItsShare() {
    assertThat(MembershipChange.finishedIn(JOIN.fault(), status("n1 up 256", "n2 up 256", "n3 up 256", "n4 joining 0")))
        .as("still joining").isEmpty();
    assertThat(MembershipChange.finishedIn(JOIN.fault(), status("n1 up 256", "n2 up 256", "n3 up 192", "n4 up 64")))
        .as("up, but the moves go on").isEmpty();
    assertThat(MembershipChange.finishedIn(JOIN.fault(), status("n1 up 256", "n2 up 256", "n3 down 0", "n4 up 0")))
        .as("marked up at once while a founder is down: nothing could move to it yet").isEmpty();
    assertThat(MembershipChange.finishedIn(JOIN.fault(), status("n1 up 192", "n2 up 192", "n3 up 192", "n4 up 192")))
        .hasValue("up with 192 of 768 replica slots, the map balanced,");
    assertThat(MembershipChange.finishedIn(JOIN.fault(), status("n1 up 154", "n2 up 154", "n3 up 153", "n4 up 154",
        "n5 up 153"))).as("S/n need not be whole").isPresent();
  }

  @Test
  void aRemovalFinishesOnceTheNodeIsRemoved() {
    assertThat(MembershipChange.finishedIn(REMOVE.fault(), status("n1 up 256", "n2 up 256", "n3 up 192", "n4 leaving 64")))
        .isEmpty();
    assertThat(MembershipChange.finishedIn(REMOVE.fault(), status("n1 up 256", "n2 up 256", "n3 up 256", "n4 removed 0")))
        .hasValue("removed");
    assertThat(MembershipChange.balanced(status("n1 up 256", "n2 up 256", "n3 up 256", "n4 removed 0")))
        .as("a removed member holds no share").isTrue();
    assertThat(MembershipChange.progress(REMOVE.fault(), status("n1 up 256", "n4 leaving 64")))
        .isEqualTo("n4 leaving with 64 replicas at directory epoch 40");
    assertThatThrownBy(() -> MembershipChange.finishedIn(new Fault.Kill(1), status("n1 up 256")))
        .hasMessageContaining("kill n2 changes no membership");
  }

  @Test
  void availabilityIsMeasuredFromWhenTheNemesisBeganTheChangeUntilItEnded() {
    MembershipChange done = new MembershipChange(JOIN, 2_001, 5_004, OptionalLong.of(12_500), true,
        "up with 192 of 768 replica slots, the map balanced,");
    MembershipChange overtaken = new MembershipChange(JOIN, 2_001, 5_004, OptionalLong.of(9_000), false,
        "n4 up with 100 replicas at directory epoch 90");
    MembershipChange stuck = new MembershipChange(REMOVE, 24_002, 25_010, OptionalLong.empty(), false,
        "n4 leaving with 3 replicas");

    assertThat(done.measuredWindow()).hasValue(new FaultWindow(2_001, 10_499, JOIN.fault()));
    assertThat(done.tookMillis()).as("from the directory's accepting it").hasValue(7_496);
    assertThat(done.describe()).isEqualTo("join n4 at 2000 ms (window 20000 ms): up with 192 of 768 replica slots,"
        + " the map balanced, 7496 ms after the directory took it");
    assertThat(overtaken.measuredWindow()).as("until the removal").hasValue(new FaultWindow(2_001, 6_999, JOIN.fault()));
    assertThat(overtaken.tookMillis()).isEmpty();
    assertThat(overtaken.describe()).isEqualTo("join n4 at 2000 ms (window 20000 ms): overtaken 3996 ms after the"
        + " directory took it; last seen n4 up with 100 replicas at directory epoch 90");
    assertThat(stuck.measuredWindow()).isEmpty();
    assertThat(stuck.tookMillis()).isEmpty();
    assertThat(stuck.describe()).isEqualTo("remove n4 at 24000 ms (window 20000 ms): did not finish; last seen n4"
        + " leaving with 3 replicas");
  }

  @Test
  void theVerdictsFileCarriesEachChange(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("verdicts.json");
    List<MembershipChange> changes = List.of(
        new MembershipChange(JOIN, 2_001, 2_004, OptionalLong.of(9_500), true, "up"),
        new MembershipChange(REMOVE, 24_002, 24_010, OptionalLong.empty(), false, "n4 leaving"));

    VerdictsFile.write(LinearizabilityChecker.check(History.builder().build(), Duration.ofSeconds(1)), List.of(),
        changes, file);

    JsonNode written = new ObjectMapper().readTree(file.toFile()).get("membership");
    assertThat(written).hasSize(2);
    assertThat(written.get(0).get("change").asText()).isEqualTo("join n4");
    assertThat(written.get(0).get("windowMillis").asLong()).isEqualTo(20_000);
    assertThat(written.get(0).get("beganMillis").asLong()).isEqualTo(2_001);
    assertThat(written.get(0).get("tookMillis").asLong()).isEqualTo(7_496);
    assertThat(written.get(1).get("startMillis").asLong()).isEqualTo(24_000);
    assertThat(written.get(0).get("finished").asBoolean()).isTrue();
    assertThat(written.get(1).get("endedMillis").isNull()).isTrue();
    assertThat(written.get(1).get("tookMillis").isNull()).isTrue();
    assertThat(written.get(1).get("outcome").asText()).isEqualTo("n4 leaving");
  }
}
