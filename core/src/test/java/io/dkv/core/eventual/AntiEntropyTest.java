package io.dkv.core.eventual;

import static io.dkv.core.eventual.RepairCluster.value;
import static io.dkv.core.eventual.RepairCluster.version;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.eventual.EventualResult.Repaired;
import io.dkv.core.eventual.EventualResult.RepairFailed;
import io.dkv.protocol.Bytes;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AntiEntropyTest {
  private final RepairCluster c = new RepairCluster("n1", "n2");

  private void sameOnBoth(int keys) {
    for (int i = 0; i < keys; i++) {
      c.store("n1", "k" + i, value(999_000 + i, "v" + i));
      c.store("n2", "k" + i, value(999_000 + i, "v" + i));
    }
  }

  @Test
  void onlyTheDifferingKeysAreShippedEachWayAndTheReplicasEndEqual() {
    sameOnBoth(200);
    c.store("n1", "k7", value(999_500, "newer at n1"));
    c.store("n1", "k8", new EventualValue.Tombstone(version(999_501, "n1")));
    c.store("n2", "k9", value(999_502, "newer at n2"));
    c.store("n2", "only-n2", value(999_503, "x"));
    c.delivered.clear();

    c.repair("n1", 1, "n2");

    assertThat(c.results).containsExactly(new Repaired(1, RepairCluster.NS, 0, "n2", 4, 4, 4));
    assertThat(c.shipped()).extracting(w -> w.key().toUtf8())
        .containsExactlyInAnyOrder("k7", "k8", "k9", "only-n2");
    for (String k : new String[] {"k7", "k8", "k9", "only-n2", "k100"}) {
      assertThat(c.read("n1", k)).as(k).isEqualTo(c.read("n2", k));
    }
    assertThat(c.read("n2", "k7")).isEqualTo(value(999_500, "newer at n1"));
    assertThat(c.disks.get("n2").hasUnsyncedWrites()).isFalse();
  }

  @Test
  void equalReplicasEndAfterOneRoundTripAndShipNothing() {
    sameOnBoth(50);
    c.delivered.clear();
    c.repair("n1", 1, "n2");
    assertThat(c.results).containsExactly(new Repaired(1, RepairCluster.NS, 0, "n2", 0, 0, 0));
    assertThat(c.delivered).hasSize(2); // the tree request and its hashes
  }

  @Test
  void lostMessagesAreAskedForAgainAfterTheRetryTime() {
    sameOnBoth(20);
    c.store("n2", "k3", value(999_900, "newer at n2"));
    AtomicInteger hashesDropped = new AtomicInteger();
    AtomicInteger wantsDropped = new AtomicInteger();
    c.drop = e -> (e.message() instanceof QuorumMessage.RepairHashes && hashesDropped.getAndIncrement() < 2)
        || (e.message() instanceof QuorumMessage.RepairWant && wantsDropped.getAndIncrement() < 1);
    c.repair("n1", 1, "n2");
    assertThat(c.results).isEmpty();
    for (int i = 0; i < 4 && c.results.isEmpty(); i++) {
      c.tick(RepairCluster.CONFIG.retryMillis());
    }
    assertThat(c.results).containsExactly(new Repaired(1, RepairCluster.NS, 0, "n2", 1, 1, 1));
    assertThat(c.read("n1", "k3")).isEqualTo(value(999_900, "newer at n2"));
  }

  @Test
  void aReplicaThatNeverAnswersFailsTheSessionAfterTheLastAttemptSayingWhich() {
    c.drop = e -> e.to().equals("n2");
    c.repair("n1", 1, "n2");
    for (int i = 0; i < RepairCluster.CONFIG.maxAttempts() + 1; i++) {
      c.tick(RepairCluster.CONFIG.retryMillis());
    }
    assertThat(c.results).singleElement().isInstanceOfSatisfying(RepairFailed.class, f -> assertThat(f.reason())
        .contains("replica n2 did not answer step 1", "after 3 attempts"));
  }

  @Test
  void aValueWrittenDuringTheSessionIsShippedAsItIsThenAndNothingMovesBack() {
    sameOnBoth(10);
    c.store("n1", "k1", value(999_700, "older newer"));
    // n1's entries for the differing leaf leave; before n2's answer arrives, n1 takes a newer write.
    c.drop = e -> {
      if (e.message() instanceof QuorumMessage.RepairWant) {
        c.drop = x -> false;
        c.store("n1", "k1", value(999_800, "newest"));
        c.store("n2", "k2", value(999_801, "n2 moved on"));
      }
      return false;
    };
    c.repair("n1", 1, "n2");
    assertThat(c.read("n2", "k1")).isEqualTo(value(999_800, "newest"));
    assertThat(c.read("n2", "k2")).isEqualTo(value(999_801, "n2 moved on"));
    assertThat(c.read("n1", "k2")).isEqualTo(value(999_002, "v2"));
  }

  @Test
  void aTombstonePastTheGracePeriodAndAbsentCountAsEqual() {
    long old = c.now - RepairCluster.CONFIG.tombstoneGraceMillis() - 1;
    c.store("n1", "gone", new EventualValue.Tombstone(version(old, "n1")));
    c.store("n2", "live", value(c.now, "x"));
    c.delivered.clear();
    c.repair("n1", 1, "n2");
    assertThat(c.shipped()).extracting(w -> w.key()).containsExactly(Bytes.utf8("live"));
    assertThat(c.read("n2", "gone")).isEqualTo(EventualValue.ABSENT);
  }
}
