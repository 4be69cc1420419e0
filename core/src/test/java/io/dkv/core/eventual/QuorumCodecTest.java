package io.dkv.core.eventual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MalformedMessageException;
import io.dkv.protocol.Procedure;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/**
 * The quorum messages' bytes, as docs/protocol.md §3 draws them. A change here breaks every
 * deployed node: it needs new procedure ids or a protocol version, not a test edit.
 */
class QuorumCodecTest {
  private static final HexFormat HEX = HexFormat.of();
  /** wallMillis 1, logical 2, node "n2": u64 0x0000000000010002, then "n2". */
  private static final HybridTimestamp V = new HybridTimestamp(1, 2, "n2");
  private static final String V_HEX = "0000000000010002" + "0002" + "6e32";
  /** from "n1", namespace "ns", key "k". */
  private static final String PREFIX = "0002" + "6e31" + "0002" + "6e73" + "00000001" + "6b";
  private static final Bytes K = Bytes.utf8("k");

  private static void check(String hex, QuorumMessage m, Procedure p) {
    assertThat(QuorumCodec.procedureOf(m)).isEqualTo(p);
    assertThat(HEX.formatHex(QuorumCodec.encode(m))).isEqualTo(hex);
    assertThat(QuorumCodec.decode(p, HEX.parseHex(hex))).isEqualTo(m);
  }

  @Test
  void goldenBodies() {
    check(PREFIX + "01" + V_HEX + "00000001" + "76",
        new QuorumMessage.WriteRequest("n1", "ns", K, new EventualValue.Present(V, Bytes.utf8("v"))),
        Procedure.QUORUM_WRITE);
    check(PREFIX + "02" + V_HEX, new QuorumMessage.WriteRequest("n1", "ns", K, new EventualValue.Tombstone(V)),
        Procedure.QUORUM_WRITE);
    check(PREFIX + V_HEX, new QuorumMessage.WriteAck("n1", "ns", K, V), Procedure.QUORUM_ACK);
    check(PREFIX + V_HEX + "0001" + "78", new QuorumMessage.WriteRefused("n1", "ns", K, V, "x"),
        Procedure.QUORUM_REFUSED);
    check(PREFIX + "0000000000000007", new QuorumMessage.ReadRequest("n1", 7, "ns", K), Procedure.QUORUM_READ);
    check(PREFIX + "0000000000000007" + "00", new QuorumMessage.ReadReply("n1", 7, "ns", K, EventualValue.ABSENT),
        Procedure.QUORUM_REPLY);
    // Hinted handoff: the target "n3" follows the key.
    check(PREFIX + "0002" + "6e33" + "02" + V_HEX,
        new QuorumMessage.HintedWrite("n1", "n3", "ns", K, new EventualValue.Tombstone(V)), Procedure.HINTED_WRITE);
    check(PREFIX + "0002" + "6e33" + V_HEX + "01" + "0000",
        new QuorumMessage.HintAck("n1", "n3", "ns", K, V, true, ""), Procedure.HINT_ACK);
    check(PREFIX + "0002" + "6e33" + V_HEX + "00" + "0004" + "66756c6c",
        new QuorumMessage.HintAck("n1", "n3", "ns", K, V, false, "full"), Procedure.HINT_ACK);
  }

  /** from "n1", session 7, step 2, namespace "ns", partition 3. */
  private static final String SESSION = "0002" + "6e31" + "0000000000000007" + "00000002" + "0002" + "6e73" + "00000003";

  @Test
  void goldenRepairBodies() {
    check(SESSION + "01" + "00000002" + "0004" + "000f",
        new QuorumMessage.RepairTreeRequest("n1", 7, 2, "ns", 3, 1, List.of(4, 15)), Procedure.REPAIR_TREE);
    check(SESSION + "00" + "00000001" + "0000" + "00000010" + "0000000000000009".repeat(16),
        new QuorumMessage.RepairHashes("n1", 7, 2, "ns", 3, 0, List.of(0), Collections.nCopies(16, 9L)),
        Procedure.REPAIR_HASHES);
    check(SESSION + "00000001" + "00ff" + "00000001" + "00000001" + "6b" + "02" + V_HEX,
        new QuorumMessage.RepairKeys("n1", 7, 2, "ns", 3, List.of(255), List.of(new KeyVersion(K, true, V))),
        Procedure.REPAIR_KEYS);
    check(SESSION + "00000005" + "00000001" + "00000001" + "6b",
        new QuorumMessage.RepairWant("n1", 7, 2, "ns", 3, 5, List.of(K)), Procedure.REPAIR_WANT);
    check("0002" + "6e31" + "0002" + "6e73" + "02" + "00000001" + "00000001" + "6b" + V_HEX,
        new QuorumMessage.PurgeRequest("n1", "ns", QuorumMessage.PurgePhase.PURGE, List.of(new TombstoneRef(K, V))),
        Procedure.PURGE_REQUEST);
    check("0002" + "6e31" + "0002" + "6e73" + "01" + "00000000" + "00000001" + "00000001" + "6b" + V_HEX,
        new QuorumMessage.PurgeReply("n1", "ns", QuorumMessage.PurgePhase.CHECK, List.of(),
            List.of(new TombstoneRef(K, V))), Procedure.PURGE_REPLY);
  }

  @Test
  void repairBodiesNamingNodesTheTreeDoesNotHaveAreRefused() {
    assertMalformed(Procedure.REPAIR_TREE, SESSION + "02" + "00000000")
        .hasMessageContaining("field 'level'").hasMessageContaining("allowed: 0 (the root), 1");
    assertMalformed(Procedure.REPAIR_TREE, SESSION + "01" + "00000001" + "0010")
        .hasMessageContaining("index 16 is outside 0..15");
    assertMalformed(Procedure.REPAIR_TREE, SESSION + "00" + "00000001" + "0001")
        .hasMessageContaining("index 1 is outside 0..0");
    assertMalformed(Procedure.REPAIR_KEYS, SESSION + "00000001" + "0100" + "00000000")
        .hasMessageContaining("index 256 is outside 0..255");
    assertMalformed(Procedure.REPAIR_HASHES, SESSION + "00" + "00000001" + "0000" + "00000001" + "0000000000000009")
        .hasMessageContaining("1 hashes for 1 nodes; 16 per node are expected");
    assertMalformed(Procedure.PURGE_REQUEST, "0002" + "6e31" + "0002" + "6e73" + "03" + "00000000")
        .hasMessageContaining("unknown code 3; allowed: 1 (check), 2 (purge)");
    assertMalformed(Procedure.REPAIR_WANT, "0002" + "6e31" + "0000000000000007" + "00000002" + "0002" + "6e73"
        + "80000000").hasMessageContaining("field 'partition'");
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertMalformed(Procedure p, String hex) {
    return assertThatThrownBy(() -> QuorumCodec.decode(p, HEX.parseHex(hex)))
        .isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void badBytesAreRefusedNamingTheField() {
    assertMalformed(Procedure.QUORUM_WRITE, PREFIX + "00")
        .hasMessageContaining("field 'value.kind'").hasMessageContaining("not absent (0)");
    assertMalformed(Procedure.QUORUM_REPLY, PREFIX + "0000000000000007" + "03")
        .hasMessageContaining("unknown code 3; allowed: 0 (absent), 1 (value), 2 (tombstone)");
    assertMalformed(Procedure.QUORUM_ACK, PREFIX + "0000000000010002" + "0000")
        .hasMessageContaining("empty node id");
    assertMalformed(Procedure.QUORUM_ACK, "0000" + "0002" + "6e73" + "00000001" + "6b" + V_HEX)
        .hasMessageContaining("field 'from'");
    assertMalformed(Procedure.QUORUM_ACK, PREFIX + V_HEX + "00").hasMessageContaining("unexpected bytes");
    assertMalformed(Procedure.QUORUM_READ, PREFIX + "000000").hasMessageContaining("truncated");
    assertMalformed(Procedure.QUORUM_WRITE, PREFIX + "01" + V_HEX + "7fffffff")
        .hasMessageContaining("field 'value'").hasMessageContaining("truncated");
    assertThatThrownBy(() -> QuorumCodec.decode(Procedure.PREPARE, new byte[0]))
        .isInstanceOfSatisfying(MalformedMessageException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNKNOWN_PROCEDURE))
        .hasMessageContaining("ids 40..52");
    assertMalformed(Procedure.HINTED_WRITE, PREFIX + "0002" + "6e33" + "00")
        .hasMessageContaining("field 'value.kind'").hasMessageContaining("not absent (0)");
    assertMalformed(Procedure.HINTED_WRITE, PREFIX + "0000" + "02" + V_HEX)
        .hasMessageContaining("field 'target'").hasMessageContaining("empty");
    assertMalformed(Procedure.HINT_ACK, PREFIX + "0002" + "6e33" + V_HEX + "02" + "0000")
        .hasMessageContaining("field 'stored'")
        .hasMessageContaining("unknown code 2; allowed: 0 (refused), 1 (stored)");
  }

  @Property(tries = 300)
  void everyMessageDecodesToItself(@ForAll("messages") QuorumMessage m) {
    assertThat(QuorumCodec.decode(QuorumCodec.procedureOf(m), QuorumCodec.encode(m))).isEqualTo(m);
  }

  @Property(tries = 2000)
  void arbitraryBytesDecodeOrAreRefusedAsMalformed(@ForAll byte[] body, @ForAll("procedures") Procedure p) {
    try {
      QuorumMessage m = QuorumCodec.decode(p, body);
      assertThat(QuorumCodec.encode(m)).as("canonical").isEqualTo(body);
    } catch (MalformedMessageException expected) {
      // refused, as it must be
    }
  }

  /** Found by the property below: the smallest tombstone reference (empty key, one-letter node) was refused. */
  @Test
  void thePurgeMessagesTakeTheSmallestTombstoneReference() {
    TombstoneRef smallest = new TombstoneRef(Bytes.EMPTY, new HybridTimestamp(0, 0, "A"));
    for (QuorumMessage m : List.of(
        new QuorumMessage.PurgeRequest("A", "", QuorumMessage.PurgePhase.CHECK, List.of(smallest)),
        new QuorumMessage.PurgeReply("A", "", QuorumMessage.PurgePhase.CHECK, List.of(smallest), List.of(smallest)))) {
      assertThat(QuorumCodec.decode(QuorumCodec.procedureOf(m), QuorumCodec.encode(m))).isEqualTo(m);
    }
  }

  @Provide
  Arbitrary<Procedure> procedures() {
    return Arbitraries.of(Procedure.QUORUM_WRITE, Procedure.QUORUM_ACK, Procedure.QUORUM_REFUSED,
        Procedure.QUORUM_READ, Procedure.QUORUM_REPLY, Procedure.HINTED_WRITE, Procedure.HINT_ACK,
        Procedure.REPAIR_TREE, Procedure.REPAIR_HASHES, Procedure.REPAIR_KEYS, Procedure.REPAIR_WANT,
        Procedure.PURGE_REQUEST, Procedure.PURGE_REPLY);
  }

  @Provide
  Arbitrary<QuorumMessage> messages() {
    Arbitrary<String> node = Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(5);
    Arbitrary<String> ns = Arbitraries.strings().ofMaxLength(5);
    Arbitrary<Bytes> bytes = Arbitraries.bytes().array(byte[].class).ofMaxSize(10).map(Bytes::wrap);
    Arbitrary<HybridTimestamp> versions = Combinators.combine(
        Arbitraries.longs().between(0, HybridTimestamp.MAX_WALL_MILLIS),
        Arbitraries.integers().between(0, HybridTimestamp.MAX_LOGICAL), node).as(HybridTimestamp::new);
    Arbitrary<EventualValue> written = Arbitraries.oneOf(
        Combinators.combine(versions, bytes).as(EventualValue.Present::new),
        versions.map(EventualValue.Tombstone::new));
    Arbitrary<EventualValue> any = Arbitraries.oneOf(written, Arbitraries.just(EventualValue.ABSENT));
    return Arbitraries.oneOf(
        Combinators.combine(node, ns, bytes, written).as(QuorumMessage.WriteRequest::new),
        Combinators.combine(node, ns, bytes, versions).as(QuorumMessage.WriteAck::new),
        Combinators.combine(node, ns, bytes, versions, ns).as(QuorumMessage.WriteRefused::new),
        Combinators.combine(node, Arbitraries.longs(), ns, bytes).as(QuorumMessage.ReadRequest::new),
        Combinators.combine(node, Arbitraries.longs(), ns, bytes, any).as(QuorumMessage.ReadReply::new),
        Combinators.combine(node, node, ns, bytes, written).as(QuorumMessage.HintedWrite::new),
        Combinators.combine(node, node, ns, bytes, versions, Arbitraries.of(true, false), ns)
            .as(QuorumMessage.HintAck::new),
        repairMessages(node, ns, bytes, versions));
  }

  private static Arbitrary<QuorumMessage> repairMessages(Arbitrary<String> node, Arbitrary<String> ns,
                                                         Arbitrary<Bytes> bytes, Arbitrary<HybridTimestamp> versions) {
    Arbitrary<Long> session = Arbitraries.longs();
    Arbitrary<Integer> step = Arbitraries.integers();
    Arbitrary<Integer> partition = Arbitraries.integers().greaterOrEqual(0);
    Arbitrary<List<Integer>> nodes = Arbitraries.integers().between(0, 15).list().ofMaxSize(3);
    Arbitrary<List<TombstoneRef>> refs = Combinators.combine(bytes, versions).as(TombstoneRef::new).list().ofMaxSize(3);
    Arbitrary<QuorumMessage.PurgePhase> phase = Arbitraries.of(QuorumMessage.PurgePhase.class);
    return Arbitraries.oneOf(
        Combinators.combine(node, session, step, ns, partition, nodes)
            .as((f, s, t, n, p, i) -> new QuorumMessage.RepairTreeRequest(f, s, t, n, p, 1, i)),
        Combinators.combine(node, session, step, ns, partition, nodes, Arbitraries.longs())
            .as((f, s, t, n, p, i, h) -> new QuorumMessage.RepairHashes(f, s, t, n, p, 1, i,
                Collections.nCopies(16 * i.size(), h))),
        Combinators.combine(node, session, step, ns, partition, Arbitraries.integers().between(0, 255).list()
                .ofMaxSize(3), Combinators.combine(bytes, Arbitraries.of(true, false), versions).as(KeyVersion::new)
                .list().ofMaxSize(3))
            .as(QuorumMessage.RepairKeys::new),
        Combinators.combine(node, session, step, ns, partition, Arbitraries.integers().greaterOrEqual(0),
                bytes.list().ofMaxSize(3))
            .as(QuorumMessage.RepairWant::new),
        Combinators.combine(node, ns, phase, refs).as(QuorumMessage.PurgeRequest::new),
        Combinators.combine(node, ns, phase, refs, refs).as(QuorumMessage.PurgeReply::new));
  }
}
