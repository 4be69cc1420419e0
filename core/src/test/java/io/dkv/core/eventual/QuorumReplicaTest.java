package io.dkv.core.eventual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.core.eventual.EventualValue.Present;
import io.dkv.core.eventual.EventualValue.Tombstone;
import io.dkv.core.eventual.QuorumMessage.ReadReply;
import io.dkv.core.eventual.QuorumMessage.ReadRequest;
import io.dkv.core.eventual.QuorumMessage.WriteAck;
import io.dkv.core.eventual.QuorumMessage.WriteRefused;
import io.dkv.core.eventual.QuorumMessage.WriteRequest;
import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.InMemoryStorage;
import io.dkv.protocol.Bytes;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replica role alone, over an in-memory store: merge, persist, then acknowledge. */
class QuorumReplicaTest {
  private static final Bytes KEY = Bytes.utf8("k");

  private final InMemoryStorage storage = new InMemoryStorage();
  private final HybridClock clock = new HybridClock("n2", 500);
  private final QuorumReplica replica = new QuorumReplica("n2", clock, storage);

  private EventualOutput write(EventualValue v, long now) {
    EventualOutput out = new EventualOutput();
    replica.onWrite(new WriteRequest("n1", "ns", KEY, v), now, out);
    return out;
  }

  private static Present value(long wall, String node, String text) {
    return new Present(new HybridTimestamp(wall, 0, node), Bytes.utf8(text));
  }

  @Test
  void aNewerWriteIsStoredAndAcknowledgedAfterTheSync() {
    Present v = value(1_000, "n1", "a");
    EventualOutput out = write(v, 1_000);
    assertThat(out.syncNeeded()).isTrue();
    assertThat(out.messages()).containsExactly(new QuorumEnvelope("n1", new WriteAck("n2", "ns", KEY, v.version())));
    assertThat(storage.hasUnsyncedWrites()).as("written, durable only once the driver syncs").isTrue();
    assertThat(replica.read("ns", KEY)).isEqualTo(v);
    // The layout the two-phase-commit core uses for its keys, and the stored form of the value.
    assertThat(storage.get(ColumnFamily.EVENTUAL, HexFormat.of().parseHex("0002" + "6e73" + "6b")))
        .isEqualTo(StoredValue.encode(v));
  }

  @Test
  void anOlderOrRepeatedWriteChangesNothingButIsStillAcknowledged() {
    Present newer = value(2_000, "n3", "new");
    write(newer, 2_000);
    storage.sync();
    for (EventualValue v : new EventualValue[] {value(1_000, "n1", "old"), newer}) {
      EventualOutput out = write(v, 2_001);
      assertThat(out.syncNeeded()).isFalse();
      assertThat(storage.hasUnsyncedWrites()).isFalse();
      assertThat(out.messages()).containsExactly(
          new QuorumEnvelope("n1", new WriteAck("n2", "ns", KEY, v.versionOrNull())));
      assertThat(replica.read("ns", KEY)).isEqualTo(newer);
    }
  }

  @Test
  void aDeleteLeavesATombstoneThatAnOlderValueCannotOverwrite() {
    write(value(1_000, "n1", "a"), 1_000);
    Tombstone deleted = new Tombstone(new HybridTimestamp(1_100, 0, "n3"));
    assertThat(write(deleted, 1_100).syncNeeded()).isTrue();
    write(value(1_050, "n1", "late"), 1_200);
    assertThat(replica.read("ns", KEY)).isEqualTo(deleted);
  }

  @Test
  void aWriteTooFarAheadOfThisClockIsRefusedAndNotStored() {
    Present future = value(1_501, "n1", "a");
    EventualOutput out = write(future, 1_000);
    assertThat(out.syncNeeded()).isFalse();
    assertThat(out.messages()).containsExactly(new QuorumEnvelope("n1", new WriteRefused("n2", "ns", KEY,
        future.version(), "timestamp 1501.0@n1 from node n1 is 501 ms ahead of this node's clock (1000 ms);"
            + " at most 500 ms is allowed (maxClockDriftMillis)")));
    assertThat(replica.read("ns", KEY)).isEqualTo(EventualValue.ABSENT);
    assertThat(clock.last()).as("the clock was not dragged ahead").isNull();
  }

  @Test
  void aStoredWriteAdvancesThisNodesClock() {
    write(value(1_400, "n1", "a"), 1_000);
    assertThat(clock.send(1_000)).isGreaterThan(new HybridTimestamp(1_400, 0, "n1"));
  }

  @Test
  void readsAnswerWhatIsStoredTombstonesAndAbsenceIncluded() {
    EventualOutput out = new EventualOutput();
    replica.onRead(new ReadRequest("n1", 4, "ns", KEY), out);
    write(new Tombstone(new HybridTimestamp(1_000, 0, "n1")), 1_000);
    replica.onRead(new ReadRequest("n3", 5, "ns", KEY), out);
    assertThat(out.messages()).containsExactly(
        new QuorumEnvelope("n1", new ReadReply("n2", 4, "ns", KEY, EventualValue.ABSENT)),
        new QuorumEnvelope("n3", new ReadReply("n2", 5, "ns", KEY, new Tombstone(new HybridTimestamp(1_000, 0, "n1")))));
    assertThat(out.syncNeeded()).isFalse();
  }

  @Test
  void aCopyIsMergedInOneBatchKeepingWhatIsNewerHereAndAnsweredOnceDurable() {
    Present newerHere = value(2_000, "n3", "here");
    write(newerHere, 2_000);
    storage.sync();
    Bytes other = Bytes.utf8("other");
    Tombstone deleted = new Tombstone(new HybridTimestamp(1_500, 0, "n1"));
    EventualOutput out = new EventualOutput();
    replica.install(new EventualCommand.Install(9, List.of(
        new StoredEntry("ns", KEY, value(1_000, "n1", "older")), new StoredEntry("ns", other, deleted))), 2_001, out);

    assertThat(out.results()).containsExactly(new EventualResult.Installed(9, 1));
    assertThat(out.syncNeeded()).isTrue();
    assertThat(replica.read("ns", KEY)).isEqualTo(newerHere);
    assertThat(replica.read("ns", other)).isEqualTo(deleted);
  }

  @Test
  void aStoredEntryDecodesFromItsRecordAndNamesWhatIsDamaged() {
    Present v = value(1_000, "n1", "a");
    write(v, 1_000);
    byte[] storageKey = HexFormat.of().parseHex("0002" + "6e73" + "6b");
    assertThat(StoredEntry.decode(storageKey, storage.get(ColumnFamily.EVENTUAL, storageKey)))
        .isEqualTo(new StoredEntry("ns", KEY, v));
    assertThatThrownBy(() -> StoredEntry.decode(storageKey, new byte[] {7}))
        .hasMessageContaining("unknown kind 7");
    assertThatThrownBy(() -> StoredEntry.decode(new byte[] {0, 9, 1}, new byte[] {1}))
        .hasMessageContaining("namespace");
  }
}
