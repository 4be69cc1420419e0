package io.dkv.core.twopc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.PeerMessage.AbortReason;
import io.dkv.protocol.PeerMessage.Vote;
import io.dkv.protocol.PeerMessage.VoteKind;
import io.dkv.protocol.TxnId;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Stored records: round trips over generated values, golden bytes, and refusal of damaged bytes. */
class RecordCodecTest {

  @Provide
  Arbitrary<TxnId> txns() {
    return Combinators.combine(Arbitraries.strings().ofMinLength(1).ofMaxLength(20),
        Arbitraries.longs().greaterOrEqual(0), Arbitraries.longs().greaterOrEqual(0)).as(TxnId::new);
  }

  @Provide
  Arbitrary<Mutation> mutations() {
    Arbitrary<Bytes> values = Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(Bytes::wrap);
    return Arbitraries.oneOf(
        values.map(Mutation.Put::new),
        values.map(Mutation.PutIfAbsent::new),
        Arbitraries.just(new Mutation.Delete()),
        Combinators.combine(Arbitraries.longs(), values).as(Mutation.CompareAndSet::new));
  }

  @Provide
  Arbitrary<WorkerRecord> workerRecords() {
    Arbitrary<TxnWrite> writes = Combinators.combine(Arbitraries.longs(),
        Arbitraries.strings().ofMaxLength(10), Arbitraries.bytes().array(byte[].class).ofMaxSize(20),
        mutations(), Arbitraries.longs()).as((e, ns, k, m, r) -> new TxnWrite(e, new DataKey(ns, Bytes.wrap(k)), m, r));
    return Combinators.combine(txns(), Arbitraries.of(WorkerPhase.class),
        Arbitraries.strings().ofMinLength(1).ofMaxLength(8).list().ofMaxSize(5), writes.list().ofMaxSize(4),
        Arbitraries.longs(), Arbitraries.of(VoteKind.class), Arbitraries.of(AbortReason.class), Arbitraries.longs())
        .flatAs((t, ph, parts, ws, prop, kind, reason, v) ->
            // A refusal names one of several writes, or the whole transaction (always so for one write).
            Arbitraries.integers().between(Vote.WHOLE, ws.size() > 1 ? ws.size() - 1 : Vote.WHOLE)
                .map(refused -> new WorkerRecord(t, ph, List.copyOf(parts), ws, prop, kind, reason, v, refused)));
  }

  @Property
  void workerRecordsRoundTrip(@ForAll("workerRecords") WorkerRecord rec) {
    assertThat(WorkerRecord.decode(rec.encode())).isEqualTo(rec);
  }

  @Property
  void truncatedWorkerRecordsAreRefused(@ForAll("workerRecords") WorkerRecord rec, @ForAll("cuts") int cut) {
    byte[] b = rec.encode();
    byte[] truncated = Arrays.copyOf(b, Math.floorMod(cut, b.length));
    assertThatThrownBy(() -> WorkerRecord.decode(truncated)).isInstanceOf(CorruptRecordException.class);
  }

  @Provide
  Arbitrary<Integer> cuts() {
    return Arbitraries.integers().between(0, 10_000);
  }

  @Property
  void decisionAndDedupRecordsRoundTrip(@ForAll("txns") TxnId txn, @ForAll boolean commit, @ForAll long version) {
    DecisionRecord d = new DecisionRecord(txn, commit ? Outcome.commitAt(version) : Outcome.ABORT, List.of("a", "b"));
    assertThat(DecisionRecord.decode(d.encode())).isEqualTo(d);
    DedupRecord r = new DedupRecord(version, txn);
    assertThat(DedupRecord.decode(r.encode())).isEqualTo(r);
  }

  @Property
  void dataRecordsRoundTrip(@ForAll boolean tombstone, @ForAll long version, @ForAll byte[] value) {
    DataRecord d = new DataRecord(tombstone, version, Bytes.wrap(value));
    assertThat(DataRecord.decode(d.encode())).isEqualTo(d);
  }

  @Test
  void goldenBytes() {
    HexFormat hex = HexFormat.of();
    assertThat(hex.formatHex(new DataRecord(false, 258, Bytes.utf8("v")).encode()))
        .isEqualTo("00" + "0000000000000102" + "76");
    assertThat(hex.formatHex(new DataKey("ns", Bytes.utf8("k")).encode())).isEqualTo("0002" + "6e73" + "6b");
    assertThat(hex.formatHex(Journal.dedupKey(1, new DataKey("n", Bytes.utf8("k")))))
        .isEqualTo("52" + "0000000000000001" + "0001" + "6e" + "00000001" + "6b");
    assertThat(hex.formatHex(new DedupRecord(2, new TxnId("c", 3, 4)).encode()))
        .isEqualTo("0000000000000002" + "0001" + "63" + "0000000000000003" + "0000000000000004");
    assertThat(DataRecord.decode(null)).isEqualTo(DataRecord.ABSENT);
  }

  @Test
  void aRecordOfOneWriteKeepsTheLayoutOfRecordsWrittenBeforeTransactionsOfSeveral() {
    TxnWrite write = new TxnWrite(3, new DataKey("n", Bytes.utf8("k")), new Mutation.Delete(), 4);
    WorkerRecord rec = WorkerRecord.prepared(new TxnId("c", 1, 2), List.of("a"), List.of(write), 5);
    String before = "01" + "0001" + "63" + "0000000000000001" + "0000000000000002" + "0001" + "0001" + "61"
        + "01" + "0000000000000003" + "0001" + "6e" + "00000001" + "6b" + "03" + "0000000000000004"
        + "0000000000000005" + "01" + "01" + "0000000000000000";
    assertThat(HexFormat.of().formatHex(rec.encode())).isEqualTo(before);
    assertThat(WorkerRecord.decode(HexFormat.of().parseHex(before))).isEqualTo(rec);
  }

  @Test
  void aRefusalOfOneOfSeveralWritesNamesIt() {
    List<TxnWrite> writes = List.of(new TxnWrite(1, new DataKey("n", Bytes.utf8("a")), new Mutation.Delete(), 7),
        new TxnWrite(1, new DataKey("n", Bytes.utf8("b")), new Mutation.Delete(), 8));
    WorkerRecord rec = WorkerRecord.refused(new TxnId("c", 1, 2), List.of("a"), writes, VoteKind.ABORT,
        AbortReason.LOCK_CONFLICT, 0, 1);
    assertThat(WorkerRecord.decode(rec.encode()).refusedWrite()).isEqualTo(1);
    assertThat(WorkerRecord.refused(new TxnId("c", 1, 2), List.of("a"), writes.subList(0, 1), VoteKind.ABORT,
        AbortReason.LOCK_CONFLICT, 0, 0).refusedWrite()).as("one write: the refusal is the transaction's").isEqualTo(Vote.WHOLE);
  }

  @Test
  void unknownTagsAreRefused() {
    byte[] b = new WorkerRecord(new TxnId("c", 1, 1), WorkerPhase.PREPARED, List.of("a"), List.of(), 1,
        VoteKind.COMMIT, AbortReason.NONE, 0, Vote.WHOLE).encode();
    b[0] = 9;
    assertThatThrownBy(() -> WorkerRecord.decode(b)).isInstanceOf(CorruptRecordException.class)
        .hasMessageContaining("phase");
  }
}
