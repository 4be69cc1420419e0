package io.dkv.core.eventual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.core.eventual.EventualCommand.Put;
import io.dkv.core.eventual.EventualResult.ReadValue;
import io.dkv.core.eventual.EventualResult.Written;
import io.dkv.core.eventual.EventualValue.Present;
import io.dkv.core.storage.InMemoryStorage;
import io.dkv.protocol.Bytes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Three nodes wired together by a loop that follows the driver contract (sync, then send),
 * delivering every message at once unless its recipient is cut off.
 */
class EventualNodeTest {
  private static final List<String> REPLICAS = List.of("n1", "n2", "n3");
  private static final Bytes KEY = Bytes.utf8("k");

  private final Map<String, InMemoryStorage> disks = new LinkedHashMap<>();
  private final Map<String, EventualNode> nodes = new LinkedHashMap<>();
  private final Set<String> down = new HashSet<>();
  private final List<EventualResult> results = new ArrayList<>();
  private final List<ReadRepair> repairs = new ArrayList<>();
  private long now = 1_000;

  EventualNodeTest() {
    for (String id : REPLICAS) {
      disks.put(id, new InMemoryStorage());
      nodes.put(id, new EventualNode(id, disks.get(id), EventualConfig.defaults()));
    }
  }

  private void run(String node, EventualOutput first) {
    ArrayDeque<QuorumEnvelope> queue = new ArrayDeque<>();
    finish(node, first, queue);
    while (!queue.isEmpty()) {
      QuorumEnvelope e = queue.pollFirst();
      if (!down.contains(e.to())) {
        finish(e.to(), nodes.get(e.to()).onMessage(e.message(), now), queue);
      }
    }
  }

  private void finish(String node, EventualOutput out, ArrayDeque<QuorumEnvelope> queue) {
    if (out.syncNeeded()) {
      disks.get(node).sync();
    }
    queue.addAll(out.messages());
    results.addAll(out.results());
    repairs.addAll(out.repairs());
  }

  private void put(String coordinator, long handle, String value, int w) {
    run(coordinator, nodes.get(coordinator).onClient(new EventualCommand.Write(handle, handle, "ns", KEY,
        new Put(Bytes.utf8(value)), REPLICAS, w, now + 1_000), now));
  }

  private void get(String coordinator, long handle, int r) {
    run(coordinator, nodes.get(coordinator).onClient(
        new EventualCommand.Read(handle, "ns", KEY, REPLICAS, r, now + 1_000), now));
  }

  @Test
  void aWriteSeenByAQuorumIsReadBackAndARepairBringsTheMissedReplicaUpToDate() {
    down.add("n3");
    put("n1", 1, "v1", 2);
    assertThat(results).singleElement().isInstanceOf(Written.class);
    HybridTimestamp v1 = ((Written) results.getFirst()).version();
    assertThat(disks.get("n1").hasUnsyncedWrites()).isFalse();

    down.clear();
    now += 10;
    results.clear();
    get("n3", 2, 2); // n3 asks itself first (nothing there), then n1
    Present expected = new Present(v1, Bytes.utf8("v1"));
    assertThat(results).containsExactly(new ReadValue(2, expected));
    assertThat(repairs).containsExactly(new ReadRepair("ns", KEY, expected, List.of("n3"), List.of()));

    // The driver's background repair: the newest value sent to the stale replicas.
    for (String stale : repairs.getFirst().stale()) {
      run("n1", new EventualOutput().send(stale, new QuorumMessage.WriteRequest("n1", "ns", KEY, expected)));
    }
    assertThat(nodes.get("n3").read("ns", KEY)).isEqualTo(expected);
    assertThat(disks.get("n3").hasUnsyncedWrites()).isFalse();
  }

  @Test
  void aLaterWriteFromAnotherCoordinatorWinsEverywhere() {
    put("n1", 1, "first", 3);
    now += 5;
    put("n2", 2, "second", 3);
    assertThat(results).hasSize(2).allSatisfy(r -> assertThat(r).isInstanceOf(Written.class));
    for (EventualNode n : nodes.values()) {
      assertThat(n.read("ns", KEY)).isInstanceOfSatisfying(Present.class,
          p -> assertThat(p.value()).isEqualTo(Bytes.utf8("second")));
    }
  }

  @Test
  void aGracePeriodThatAnOldRetryOrHintCouldOutliveIsRefused() {
    EventualConfig protocol = new EventualConfig(200, 60_000, 1_000, 500,
        new HintConfig(1_000, 10_000, 1_000, 1 << 20, 600_000, 1_000));
    assertThatThrownBy(() -> new EventualNode("n1", new InMemoryStorage(), protocol, 1,
            KeyPartitioner.SINGLE, new RepairConfig(60_000, 100, 3, 4, 100)))
        .hasMessageContaining("must exceed the request window (60000 ms)");
    assertThatThrownBy(() -> new EventualNode("n1", new InMemoryStorage(), protocol, 1,
            KeyPartitioner.SINGLE, new RepairConfig(600_000, 100, 3, 4, 100)))
        .hasMessageContaining("must exceed the handoff timeout plus the maximum hint age (610000 ms)");
    new EventualNode("n1", new InMemoryStorage(), protocol, 1, KeyPartitioner.SINGLE,
        new RepairConfig(610_001, 100, 3, 4, 100)); // just long enough
  }
}
