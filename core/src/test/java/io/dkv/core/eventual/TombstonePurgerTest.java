package io.dkv.core.eventual;

import static io.dkv.core.eventual.RepairCluster.value;
import static io.dkv.core.eventual.RepairCluster.version;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TombstonePurgerTest {
  private static final long GRACE = RepairCluster.CONFIG.tombstoneGraceMillis();
  private final RepairCluster c = new RepairCluster("n1", "n2", "n3");
  private final EventualValue.Tombstone deleted = new EventualValue.Tombstone(version(1_000_000, "n1"));

  private void everywhere(EventualValue v) {
    for (String n : c.replicas()) {
      c.store(n, "k", v);
    }
  }

  private void allHold(EventualValue v) {
    for (String n : c.replicas()) {
      assertThat(c.read(n, "k")).as(n).isEqualTo(v);
    }
  }

  @Test
  void aTombstoneIsPurgedEverywhereOnlyAGracePeriodAfterEveryReplicaWasSeenHoldingIt() {
    everywhere(deleted);
    c.now = 1_000_000 + GRACE - 1;
    c.purgeRound("n1");
    assertThat(c.delivered).noneMatch(e -> e.message() instanceof QuorumMessage.PurgeRequest);

    c.now = 1_000_000 + GRACE + 1; // past the grace period: checked, and confirmed now
    c.purgeRound("n1");
    allHold(deleted);
    c.now += GRACE - 1;
    c.purgeRound("n1");
    allHold(deleted);
    c.now += 1; // a grace period after the confirmation
    c.purgeRound("n1");
    allHold(EventualValue.ABSENT);
    assertThat(c.disks.get("n2").hasUnsyncedWrites()).isFalse();
  }

  @Test
  void aReplicaWithoutTheTombstoneGetsItAndStopsThePurgeUntilItHasIt() {
    EventualValue.Present old = value(999_000, "old");
    everywhere(old);
    c.store("n1", "k", deleted);
    c.store("n2", "k", deleted);
    c.drop = e -> e.message() instanceof QuorumMessage.WriteRequest w && !w.from().equals(e.to());
    c.now = 1_000_000 + GRACE + 1;
    c.purgeRound("n1");
    c.now += GRACE;
    c.purgeRound("n1");
    // n3 still holds the old value: nothing may be purged, or the value would come back.
    assertThat(c.read("n1", "k")).isEqualTo(deleted);
    assertThat(c.read("n3", "k")).isEqualTo(old);

    c.drop = e -> false;
    c.purgeRound("n1"); // the check sends n3 the tombstone
    assertThat(c.read("n3", "k")).isEqualTo(deleted);
    c.purgeRound("n1"); // confirmed now
    allHold(deleted);
    c.now += GRACE;
    c.purgeRound("n1");
    allHold(EventualValue.ABSENT);
  }

  @Test
  void aPurgeDeletesOnlyThatTombstoneAndLeavesANewerValue() {
    everywhere(deleted);
    c.now = 1_000_000 + GRACE + 1;
    c.purgeRound("n1");
    EventualValue.Present newer = new EventualValue.Present(version(1_000_500, "n2"), io.dkv.protocol.Bytes.utf8("new"));
    c.store("n3", "k", newer);
    c.now += GRACE;
    c.purgeRound("n1");
    assertThat(c.read("n1", "k")).isEqualTo(EventualValue.ABSENT);
    assertThat(c.read("n2", "k")).isEqualTo(EventualValue.ABSENT);
    assertThat(c.read("n3", "k")).isEqualTo(newer);
  }

  @Test
  void thePurgingReplicaKeepsItsOwnTombstoneUntilEveryOtherHasDroppedIt() {
    everywhere(deleted);
    c.now = 1_000_000 + GRACE + 1;
    c.purgeRound("n1");
    c.now += GRACE;
    c.drop = e -> e.message() instanceof QuorumMessage.PurgeReply r && r.from().equals("n3");
    c.purgeRound("n1");
    assertThat(c.read("n2", "k")).isEqualTo(EventualValue.ABSENT);
    assertThat(c.read("n3", "k")).isEqualTo(EventualValue.ABSENT);
    assertThat(c.read("n1", "k")).isEqualTo(deleted);
    c.drop = e -> false;
    c.purgeRound("n1"); // asks n3 again, which has nothing left: done
    allHold(EventualValue.ABSENT);
  }
}
