package io.dkv.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.protocol.ClientMessage.ErrorResponse;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

class MessageCodecPropertiesTest {
  @Provide
  Arbitrary<ClientMessage> requests() {
    return Messages.requests();
  }

  @Provide
  Arbitrary<ClientMessage> responses() {
    return Messages.responses();
  }

  @Provide
  Arbitrary<PeerMessage> peerMessages() {
    return Messages.peerMessages();
  }

  @Provide
  Arbitrary<ErrorResponse> errors() {
    return net.jqwik.api.Combinators.combine(Arbitraries.of(ErrorCode.class), Messages.strings())
        .as(ErrorResponse::new);
  }

  @Property
  void requestsRoundTrip(@ForAll("requests") ClientMessage m) {
    byte[] body = MessageCodec.encode(m);
    ClientMessage decoded = MessageCodec.decodeRequest(Messages.procedureOf(m), body);
    assertThat(Messages.comparable(decoded)).isEqualTo(Messages.comparable(m));
  }

  @Property
  void responsesRoundTrip(@ForAll("responses") ClientMessage m) {
    byte[] body = MessageCodec.encode(m);
    ClientMessage decoded = MessageCodec.decodeResponse(Messages.procedureOf(m), body);
    assertThat(Messages.comparable(decoded)).isEqualTo(Messages.comparable(m));
  }

  @Property
  void peerMessagesRoundTrip(@ForAll("peerMessages") PeerMessage m) {
    byte[] body = MessageCodec.encode(m);
    assertThat(MessageCodec.decodePeer(Procedure.of(m), body)).isEqualTo(m);
  }

  @Property
  void peerBatchesRoundTripInOrder(@ForAll("peerMessages") PeerMessage a, @ForAll("peerMessages") PeerMessage b,
                                   @ForAll("peerMessages") PeerMessage c) {
    List<PeerMessage> batch = List.of(a, b, c);
    assertThat(MessageCodec.decodeBatch(MessageCodec.encodeBatch(batch))).isEqualTo(batch);
  }

  @Property(tries = 100)
  void everyTruncationOfAPeerBatchIsMalformed(@ForAll("peerMessages") PeerMessage a, @ForAll("peerMessages") PeerMessage b) {
    byte[] body = MessageCodec.encodeBatch(List.of(a, b));
    for (int n = 0; n < body.length; n++) {
      byte[] prefix = Arrays.copyOf(body, n);
      assertThatThrownBy(() -> MessageCodec.decodeBatch(prefix)).isInstanceOf(MalformedMessageException.class);
    }
  }

  @Property
  void errorsRoundTrip(@ForAll("errors") ErrorResponse e) {
    assertThat(MessageCodec.decodeError(MessageCodec.encodeError(e.code(), e.message())))
        .isEqualTo(e);
  }

  @Property
  void framesRoundTrip(@ForAll("peerMessages") PeerMessage m, @ForAll long requestId) {
    Frame f = Frame.oneWay(Procedure.of(m).id(), requestId, MessageCodec.encode(m));
    byte[] wire = FrameCodec.encode(f);
    assertThat(FrameCodec.decode(FrameCodecTest.afterLength(wire))).isEqualTo(f);
  }

  /** Every field is needed, so cutting the body anywhere must be detected, never misread. */
  @Property(tries = 200)
  void everyTruncationOfAPeerMessageIsMalformed(@ForAll("peerMessages") PeerMessage m) {
    byte[] body = MessageCodec.encode(m);
    for (int n = 0; n < body.length; n++) {
      byte[] prefix = Arrays.copyOf(body, n);
      assertThatThrownBy(() -> MessageCodec.decodePeer(Procedure.of(m), prefix))
          .isInstanceOf(MalformedMessageException.class);
    }
  }

  @Property(tries = 200)
  void everyTruncationOfAResponseIsMalformed(@ForAll("responses") ClientMessage m) {
    byte[] body = MessageCodec.encode(m);
    for (int n = 0; n < body.length; n++) {
      byte[] prefix = Arrays.copyOf(body, n);
      assertThatThrownBy(() -> MessageCodec.decodeResponse(Messages.procedureOf(m), prefix))
          .isInstanceOf(MalformedMessageException.class);
    }
  }

  @Property(tries = 200)
  void everyTruncationOfARequestIsMalformed(@ForAll("requests") ClientMessage m) {
    byte[] body = MessageCodec.encode(m);
    for (int n = 0; n < body.length; n++) {
      byte[] prefix = Arrays.copyOf(body, n);
      assertThatThrownBy(() -> MessageCodec.decodeRequest(Messages.procedureOf(m), prefix))
          .isInstanceOf(MalformedMessageException.class);
    }
  }

  @Property(tries = 200)
  void trailingBytesAreMalformed(@ForAll("requests") ClientMessage m, @ForAll byte extra) {
    byte[] body = MessageCodec.encode(m);
    byte[] longer = Arrays.copyOf(body, body.length + 1);
    longer[body.length] = extra;
    assertThatThrownBy(() -> MessageCodec.decodeRequest(Messages.procedureOf(m), longer))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("trailing");
  }

  /** Arbitrary bytes decode to a message or fail with MalformedMessageException, nothing else. */
  @Property(tries = 2000)
  void arbitraryBodiesNeverThrowAnythingElse(@ForAll Procedure p,
                                             @ForAll byte[] body) {
    FuzzTarget.decodeAll(p, body);
  }
}
