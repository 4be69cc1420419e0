package io.dkv.rpc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Frame;
import io.dkv.protocol.FrameCodec;
import io.dkv.protocol.MessageCodec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A server fed broken bytes from raw sockets answers sensibly and keeps serving others. */
class RpcBadInputTest {
  private static final int ECHO = 1;
  private static final int MAX_FRAME = 64 * 1024;

  private final RpcServer server = RpcServer.builder()
      .listen("127.0.0.1", 0)
      .maxFrameBytes(MAX_FRAME)
      .handle(ECHO, (ctx, body) -> CompletableFuture.completedFuture(body))
      .build();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void frameSplitIntoOneByteWritesIsStillDecoded() throws Exception {
    try (RawSocket s = new RawSocket(server.localAddress())) {
      byte[] body = "split into many tiny TCP segments".getBytes(StandardCharsets.UTF_8);
      s.writeByteByByte(FrameCodec.encode(Frame.request(ECHO, 77, 5_000, body)));
      s.writeByteByByte(FrameCodec.encode(Frame.request(ECHO, 78, 5_000, new byte[] {1})));

      assertThat(s.readFrame()).isEqualTo(Frame.response(ECHO, 77, body));
      assertThat(s.readFrame()).isEqualTo(Frame.response(ECHO, 78, new byte[] {1}));
    }
  }

  @Test
  void twoFramesInOneWriteAreBothDecoded() throws Exception {
    try (RawSocket s = new RawSocket(server.localAddress())) {
      byte[] a = FrameCodec.encode(Frame.request(ECHO, 1, 0, new byte[] {1}));
      byte[] b = FrameCodec.encode(Frame.request(ECHO, 2, 0, new byte[] {2}));
      s.write(ByteBuffer.allocate(a.length + b.length).put(a).put(b).array());

      assertThat(s.readFrame().requestId()).isEqualTo(1);
      assertThat(s.readFrame().requestId()).isEqualTo(2);
    }
  }

  @Test
  void oversizedFrameGetsFrameTooLargeAndIsClosed() throws Exception {
    try (RawSocket s = new RawSocket(server.localAddress())) {
      // Only the header is sent: the server must not wait for a body it will refuse anyway.
      byte[] header = new byte[FrameCodec.FRAME_OVERHEAD_BYTES];
      FrameCodec.encodeHeader(Frame.request(ECHO, 4242, 0, new byte[MAX_FRAME]),
          ByteBuffer.wrap(header));
      s.write(header);

      Frame reply = s.readFrame();
      assertError(reply, 4242, ErrorCode.FRAME_TOO_LARGE, "limit of " + MAX_FRAME);
      assertThat(s.closedByPeer()).isTrue();
    }
    assertServesAnotherConnection();
  }

  @Test
  void garbageGetsAnErrorAndIsClosed() throws Exception {
    try (RawSocket s = new RawSocket(server.localAddress())) {
      s.write("GET / HTTP/1.1\r\nHost: dkv\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

      Frame reply = s.readFrame();
      assertError(reply, 0, ErrorCode.FRAME_TOO_LARGE, "exceeds");
      assertThat(s.closedByPeer()).isTrue();
    }
    assertServesAnotherConnection();
  }

  @Test
  void lengthShorterThanTheHeaderIsMalformed() throws Exception {
    try (RawSocket s = new RawSocket(server.localAddress())) {
      s.write(new byte[] {0, 0, 0, 3, 1, 2, 3});

      assertError(s.readFrame(), 0, ErrorCode.MALFORMED_FRAME, "shorter than");
      assertThat(s.closedByPeer()).isTrue();
    }
    assertServesAnotherConnection();
  }

  @Test
  void badChecksumIsMalformedAndNamesTheRequest() throws Exception {
    try (RawSocket s = new RawSocket(server.localAddress())) {
      byte[] frame = FrameCodec.encode(Frame.request(ECHO, 99, 0, new byte[] {1, 2, 3}));
      frame[frame.length - 1] ^= 0x40;
      s.write(frame);

      assertError(s.readFrame(), 99, ErrorCode.MALFORMED_FRAME, "checksum");
      assertThat(s.closedByPeer()).isTrue();
    }
    assertServesAnotherConnection();
  }

  @Test
  void unknownVersionIsUnsupported() throws Exception {
    try (RawSocket s = new RawSocket(server.localAddress())) {
      byte[] frame = FrameCodec.encode(Frame.request(ECHO, 5, 0, new byte[0]));
      frame[4] = 2;
      s.write(frame);

      assertError(s.readFrame(), 5, ErrorCode.UNSUPPORTED_VERSION, "version 2");
      assertThat(s.closedByPeer()).isTrue();
    }
    assertServesAnotherConnection();
  }

  @Test
  void responseSentToAServerIsMalformed() throws Exception {
    try (RawSocket s = new RawSocket(server.localAddress())) {
      s.write(FrameCodec.encode(Frame.response(ECHO, 6, new byte[0])));

      assertError(s.readFrame(), 6, ErrorCode.MALFORMED_FRAME, "not responses");
      assertThat(s.closedByPeer()).isTrue();
    }
    assertServesAnotherConnection();
  }

  @Test
  void unknownProcedureGetsAnErrorAndTheConnectionStaysOpen() throws Exception {
    try (RawSocket s = new RawSocket(server.localAddress())) {
      s.write(FrameCodec.encode(Frame.request(500, 8, 0, new byte[0])));
      assertError(s.readFrame(), 8, ErrorCode.UNKNOWN_PROCEDURE, "500");

      s.write(FrameCodec.encode(Frame.request(ECHO, 9, 0, new byte[] {4})));
      assertThat(s.readFrame()).isEqualTo(Frame.response(ECHO, 9, new byte[] {4}));
    }
  }

  private void assertServesAnotherConnection() throws Exception {
    try (RawSocket s = new RawSocket(server.localAddress())) {
      s.write(FrameCodec.encode(Frame.request(ECHO, 10, 0, new byte[] {10})));
      assertThat(s.readFrame()).isEqualTo(Frame.response(ECHO, 10, new byte[] {10}));
    }
  }

  private static void assertError(Frame reply, long requestId, ErrorCode code, String text) {
    assertThat(reply.isResponse()).isTrue();
    assertThat(reply.isError()).isTrue();
    assertThat(reply.requestId()).isEqualTo(requestId);
    var error = MessageCodec.decodeError(reply.body());
    assertThat(error.code()).isEqualTo(code);
    assertThat(error.message()).contains(text);
  }
}
