package io.dkv.core.twopc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.WriteBatch;
import io.dkv.protocol.TxnId;
import org.junit.jupiter.api.Test;

/** Tombstones and request-id records expire after their time, and not before. */
class ExpiryTest {
  private final TxnId t = new TxnId("c", 1, 1);

  @Test
  void tombstonesExpireAfterTheirTtlAndAReAddPushesItBack() {
    Tombstones ts = new Tombstones(100);
    ts.add(t, Outcome.commitAt(3), 0);
    ts.add(t, null, 50); // an unknown outcome never hides a known one, but refreshes the time
    assertThat(ts.get(t).outcome()).isEqualTo(Outcome.commitAt(3));
    ts.expire(149);
    assertThat(ts.get(t)).isNotNull();
    ts.add(t, Outcome.commitAt(3), 60);
    ts.expire(159);
    assertThat(ts.get(t)).isNotNull();
    ts.expire(160);
    assertThat(ts.get(t)).isNull();
    assertThat(ts.size()).isZero();
  }

  @Test
  void dedupRecordsAreDeletedAfterTheWindowInBoundedBatches() {
    DedupWindow w = new DedupWindow(1_000);
    for (int i = 0; i < 5; i++) {
      w.track(new byte[] {'R', (byte) i}, i);
    }
    WriteBatch early = new WriteBatch();
    w.expire(999, early, 10);
    assertThat(early.isEmpty()).isTrue();
    WriteBatch batch = new WriteBatch();
    w.expire(1_004, batch, 3);
    assertThat(batch.ops()).hasSize(3).allMatch(op -> op.cf() == ColumnFamily.JOURNAL && op.value() == null);
    assertThat(w.size()).isEqualTo(2);
  }

  @Test
  void dedupRecordsFoundAtStartLiveAFullWindowFromThen() {
    NodeHarness p = new NodeHarness("p");
    TxnId txn = NodeHarness.txn("c", 1, 1);
    p.on(NodeHarness.prepare("c", txn, java.util.List.of("p"), "k", NodeHarness.put("a"), 5));
    p.on(new io.dkv.protocol.PeerMessage.Decision("c", txn, true, 1));
    p.now += 30_000;
    p.crashAndRestart();
    p.tickAt(p.now + NodeHarness.CONFIG.dedupWindowMillis() - 1);
    assertThat(new Journal(p.storage).readDedup(5, new DataKey(NodeHarness.NS, io.dkv.protocol.Bytes.utf8("k")))).isNotNull();
    p.tickAt(p.now + 1);
    assertThat(new Journal(p.storage).readDedup(5, new DataKey(NodeHarness.NS, io.dkv.protocol.Bytes.utf8("k")))).isNull();
  }
}
