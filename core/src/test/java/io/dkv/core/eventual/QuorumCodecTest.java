package io.dkv.core.eventual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MalformedMessageException;
import io.dkv.protocol.Procedure;
import java.util.HexFormat;
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
        .hasMessageContaining("ids 40..46");
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

  @Provide
  Arbitrary<Procedure> procedures() {
    return Arbitraries.of(Procedure.QUORUM_WRITE, Procedure.QUORUM_ACK, Procedure.QUORUM_REFUSED,
        Procedure.QUORUM_READ, Procedure.QUORUM_REPLY, Procedure.HINTED_WRITE, Procedure.HINT_ACK);
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
            .as(QuorumMessage.HintAck::new));
  }
}
