package io.dkv.core.eventual;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.eventual.EventualCommand.Put;
import io.dkv.core.eventual.EventualResult.Written;
import io.dkv.core.storage.InMemoryStorage;
import io.dkv.protocol.Bytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A restarted node stamps above every version it stamped before, whatever its wall clock says. */
class ClockCeilingTest {
  private static final EventualConfig CONFIG = new EventualConfig(200, 60_000, 1_000, 500);
  private final InMemoryStorage disk = new InMemoryStorage();

  /** One write coordinated by n1 alone (N = W = 1), driven as the contract says: sync, then send. */
  private HybridTimestamp write(EventualNode node, long requestId, long now) {
    EventualOutput out = node.onClient(new EventualCommand.Write(requestId, requestId, "ns", Bytes.utf8("k"),
        new Put(Bytes.utf8("v" + requestId)), List.of("n1"), 1, now + 1_000), now);
    while (out.results().isEmpty()) {
      if (out.syncNeeded()) {
        disk.sync();
      }
      EventualOutput next = new EventualOutput();
      for (QuorumEnvelope e : out.messages()) {
        next.merge(node.onMessage(e.message(), now));
      }
      out = next;
    }
    return ((Written) out.results().getFirst()).version();
  }

  @Test
  void aNodeRestartedWithItsClockSetBackStampsAboveItsEarlierVersions() {
    HybridTimestamp before = write(new EventualNode("n1", disk, CONFIG), 1, 1_000_000);
    disk.crash(); // nothing unsynced survives; the bound was synced before the version left

    // The wall clock was set back 200 ms: without the bound, the new version would sort below the old.
    HybridTimestamp after = write(new EventualNode("n1", disk, CONFIG), 2, 999_800);
    assertThat(after).isGreaterThan(before);
    assertThat(after.wallMillis()).as("at most the lead ahead of the old version")
        .isLessThanOrEqualTo(before.wallMillis() + CONFIG.maxClockDriftMillis() / 2 + 1);
  }

  @Test
  void theBoundIsRaisedOncePerLeadNotOncePerWrite() {
    ClockCeiling ceiling = new ClockCeiling(disk, 250);
    EventualOutput first = new EventualOutput();
    ceiling.cover(new HybridTimestamp(10_000, 0, "n1"), first);
    assertThat(first.syncNeeded()).isTrue();
    assertThat(ceiling.ceiling()).isEqualTo(10_250);

    EventualOutput within = new EventualOutput();
    ceiling.cover(new HybridTimestamp(10_250, 7, "n1"), within);
    assertThat(within.syncNeeded()).isFalse();

    EventualOutput past = new EventualOutput();
    ceiling.cover(new HybridTimestamp(10_251, 0, "n1"), past);
    assertThat(past.syncNeeded()).isTrue();
    disk.sync();
    assertThat(new ClockCeiling(disk, 250).ceiling()).isEqualTo(10_501);
  }

  @Test
  void aNodeThatNeverStampedStartsFromItsWallClock() {
    HybridTimestamp first = write(new EventualNode("n1", disk, CONFIG), 1, 5_000);
    assertThat(first).isEqualTo(new HybridTimestamp(5_000, 0, "n1"));
  }
}
