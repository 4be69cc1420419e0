package io.dkv.core.eventual;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.eventual.EventualValue.Present;
import io.dkv.core.eventual.QuorumMessage.HintAck;
import io.dkv.core.eventual.QuorumMessage.HintedWrite;
import io.dkv.core.eventual.QuorumMessage.WriteAck;
import io.dkv.core.eventual.QuorumMessage.WriteRequest;
import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.InMemoryStorage;
import io.dkv.core.storage.WriteBatch;
import io.dkv.protocol.Bytes;
import java.util.HexFormat;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The hint holder alone, over an in-memory store: persist, then acknowledge; deliver; bounds. */
class HintStoreTest {
  private static final long MAX_AGE = 1_000;
  private static final long INTERVAL = 200;

  private final InMemoryStorage storage = new InMemoryStorage();
  private HintStore store = open(2, 10_000);

  private HintStore open(int maxHints, long maxBytes) {
    return new HintStore("n4", storage, new HintConfig(300, 5_000, maxHints, maxBytes, MAX_AGE, INTERVAL));
  }

  private static Present value(long wall, String text) {
    return new Present(new HybridTimestamp(wall, 0, "n1"), Bytes.utf8(text));
  }

  private EventualOutput hint(String target, String key, EventualValue v, long now) {
    EventualOutput out = new EventualOutput();
    store.onHintedWrite(new HintedWrite("n1", target, "ns", Bytes.utf8(key), v), now, out);
    return out;
  }

  private EventualOutput tick(long now) {
    EventualOutput out = new EventualOutput();
    store.tick(now, out);
    return out;
  }

  private void targetAcks(String target, String key, EventualValue v, long now) {
    store.onWriteAck(new WriteAck(target, "ns", Bytes.utf8(key), v.versionOrNull()), now);
  }

  private static QuorumEnvelope stored(String target, String key, EventualValue v) {
    return new QuorumEnvelope("n1", new HintAck("n4", target, "ns", Bytes.utf8(key), v.versionOrNull(), true, ""));
  }

  private static QuorumEnvelope delivery(String target, String key, EventualValue v) {
    return new QuorumEnvelope(target, new WriteRequest("n4", "ns", Bytes.utf8(key), v));
  }

  @Test
  void aHintIsWrittenAndAcknowledgedOnlyAfterTheSync() {
    Present v = value(1_000, "a");
    EventualOutput out = hint("n3", "k", v, 1_000);
    assertThat(out.syncNeeded()).isTrue();
    assertThat(out.messages()).containsExactly(stored("n3", "k", v));
    assertThat(storage.hasUnsyncedWrites()).as("written, durable once the driver syncs").isTrue();
    // Namespace first (the reclaimer's prefix), then the target and the key; the time it was stored.
    assertThat(HexFormat.of().formatHex(storage.get(ColumnFamily.HINTS,
        HexFormat.of().parseHex("0002" + "6e73" + "0002" + "6e33" + "6b"))))
        .isEqualTo("00000000000003e8" + HexFormat.of().formatHex(StoredValue.encode(v)));

    storage.crash();
    store = open(2, 10_000);
    assertThat(store.stats().held()).as("lost with the crash before the sync: it was never acknowledged").isZero();
  }

  @Test
  void hintsSurviveARestartAndTheirDeliveryResumes() {
    Present v = value(1_000, "a");
    hint("n3", "k", v, 1_000);
    storage.sync();
    storage.crash();
    store = open(2, 10_000);
    assertThat(store.stats().held()).isEqualTo(1);
    assertThat(tick(1_100).messages()).containsExactly(delivery("n3", "k", v));
  }

  @Test
  void aHintIsDeletedOnlyWhenItsTargetAcknowledgesItsVersionOrANewerOne() {
    Present v = value(1_000, "a");
    hint("n3", "k", v, 1_000);
    assertThat(tick(1_010).messages()).containsExactly(delivery("n3", "k", v));
    assertThat(tick(1_100).messages()).as("the round's hints are still in flight").isEmpty();
    targetAcks("n3", "k", value(900, "older"), 1_120);
    targetAcks("n2", "k", v, 1_120);
    assertThat(store.stats().held()).as("an older version, or another node").isEqualTo(1);
    assertThat(tick(1_210).messages()).as("unacknowledged: sent again after the interval")
        .containsExactly(delivery("n3", "k", v));
    targetAcks("n3", "k", v, 1_220);
    assertThat(store.stats()).isEqualTo(new HintStats(0, 0, 1, 0, 1, 0, 0));
    assertThat(storage.get(ColumnFamily.HINTS, StoredHint.keyOf("ns", "n3", Bytes.utf8("k")))).isNull();
    assertThat(tick(1_500).messages()).isEmpty();
  }

  @Test
  void aNewerHintReplacesTheOneHeldAndAnOlderOneIsAcknowledgedWithoutAWrite() {
    Present older = value(1_000, "a");
    Present newer = value(2_000, "b");
    hint("n3", "k", older, 1_000);
    assertThat(hint("n3", "k", newer, 1_001).syncNeeded()).isTrue();
    storage.sync();
    EventualOutput again = hint("n3", "k", older, 1_002);
    assertThat(again.syncNeeded()).isFalse();
    assertThat(again.messages()).containsExactly(stored("n3", "k", older));
    assertThat(store.stats().held()).isEqualTo(1);
    assertThat(tick(1_010).messages()).containsExactly(delivery("n3", "k", newer));
    targetAcks("n3", "k", older, 1_020);
    assertThat(store.stats().held()).as("the target has only the older version").isEqualTo(1);
  }

  @Test
  void aFullHolderRefusesNewHintsSayingWhy() {
    hint("n3", "a", value(1_000, "a"), 1_000);
    hint("n2", "b", value(1_000, "b"), 1_000);
    EventualOutput out = hint("n3", "c", value(1_000, "c"), 1_000);
    assertThat(out.syncNeeded()).isFalse();
    assertThat(out.messages()).containsExactly(new QuorumEnvelope("n1", new HintAck("n4", "n3", "ns",
        Bytes.utf8("c"), value(1_000, "c").version(), false, "node n4 holds 2 hints, its maximum (maxHints)")));
    assertThat(hint("n3", "a", value(2_000, "newer"), 1_001).messages().getFirst().message())
        .as("a newer value for a hint held takes no new place").isInstanceOfSatisfying(HintAck.class,
            a -> assertThat(a.stored()).isTrue());

    storage.sync();
    store = open(10, 80);
    // Loaded from storage: per hint a 9-byte key and 8 + 13 bytes of time and version, then the value.
    assertThat(store.stats().heldBytes()).isEqualTo(30 + "newer".length() + 30 + "b".length());
    HintAck a = (HintAck) hint("n3", "d", value(1_000, "d"), 1_000).messages().getFirst().message();
    assertThat(a.stored()).isFalse();
    assertThat(a.reason()).isEqualTo("node n4 holds 66 bytes of hints; this one (31 bytes) would pass its maximum"
        + " of 80 (maxHintBytes)");
    assertThat(store.stats().refused()).isEqualTo(1);
  }

  @Test
  void hintsExpireAtTheirMaximumAgeAndThoseOfARemovedNodeAreDropped() {
    hint("n3", "a", value(1_000, "a"), 1_000);
    hint("n2", "b", value(1_000, "b"), 1_500);
    tick(1_000 + MAX_AGE - 1);
    assertThat(store.stats().held()).isEqualTo(2);
    tick(1_000 + MAX_AGE + INTERVAL);
    assertThat(store.stats().expired()).isEqualTo(1);
    store.dropHintsFor(Set.of("n2", "n9"));
    assertThat(store.stats()).isEqualTo(new HintStats(0, 0, 2, 0, 0, 1, 1));
    assertThat(storage.durableView(ColumnFamily.HINTS)).isEmpty();
    storage.sync();
    assertThat(storage.durableView(ColumnFamily.HINTS)).isEmpty();
  }

  @Test
  void aHintDeletedFromStorageBehindTheStoresBackIsForgottenAtDelivery() {
    hint("n3", "k", value(1_000, "a"), 1_000);
    // What the server's reclaimer does when the namespace is dropped.
    storage.write(new WriteBatch().delete(ColumnFamily.HINTS, StoredHint.keyOf("ns", "n3", Bytes.utf8("k"))));
    assertThat(tick(1_010).messages()).isEmpty();
    assertThat(store.stats()).isEqualTo(new HintStats(0, 0, 1, 0, 0, 0, 1));
  }
}
