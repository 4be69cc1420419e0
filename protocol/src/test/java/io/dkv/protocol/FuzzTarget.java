package io.dkv.protocol;

import java.util.List;

import java.util.Arrays;
import java.util.Optional;

/**
 * What the fuzz test and the property tests feed with arbitrary bytes: every decoder must either
 * succeed or throw {@link MalformedMessageException}; any other throwable escapes to fail the
 * test. What decodes must also re-encode to the very same bytes (the encoding is canonical), so
 * no two byte strings mean the same message.
 */
final class FuzzTarget {
  private FuzzTarget() {}

  /** Treats {@code data} as the bytes after a frame's length field, then decodes its body. */
  static void decodeFrame(byte[] data) {
    Frame frame;
    try {
      frame = FrameCodec.decode(data);
    } catch (MalformedMessageException e) {
      return;
    }
    if (!Arrays.equals(FrameCodec.encode(frame), withLength(data))) {
      throw new AssertionError("frame does not re-encode to its bytes: " + frame);
    }
    Optional<Procedure> p = Procedure.of(frame.procedureId());
    if (frame.isError()) {
      decodeError(frame.body());
    } else if (p.isPresent()) {
      decodeAll(p.get(), frame.body());
    }
  }

  /** The procedure a fuzz input's first byte selects for the body that follows it. */
  static Procedure selectProcedure(byte selector) {
    return Procedure.values()[Byte.toUnsignedInt(selector) % Procedure.values().length];
  }

  /** Decodes {@code body} as every kind of body a procedure can carry. */
  static void decodeAll(Procedure p, byte[] body) {
    try {
      ClientMessage m = MessageCodec.decodeRequest(p, body);
      checkCanonical(MessageCodec.encode(m), body, m);
    } catch (MalformedMessageException e) {
      // expected for most inputs
    }
    try {
      ClientMessage m = MessageCodec.decodeResponse(p, body);
      checkCanonical(MessageCodec.encode(m), body, m);
    } catch (MalformedMessageException e) {
      // expected for most inputs
    }
    try {
      PeerMessage m = MessageCodec.decodePeer(p, body);
      checkCanonical(MessageCodec.encode(m), body, m);
    } catch (MalformedMessageException e) {
      // expected for most inputs
    }
    try {
      List<PeerMessage> batch = MessageCodec.decodeBatch(body);
      byte[] again = MessageCodec.encodeBatch(batch);
      if (!Arrays.equals(again, body)) {
        throw new AssertionError("a decoded PEER_BATCH does not re-encode to its bytes: " + batch);
      }
    } catch (MalformedMessageException e) {
      // expected for most inputs
    }
    decodeError(body);
  }

  private static void decodeError(byte[] body) {
    try {
      MessageCodec.decodeError(body);
    } catch (MalformedMessageException e) {
      // expected for most inputs
    }
  }

  private static void checkCanonical(byte[] reencoded, byte[] original, Object message) {
    if (!Arrays.equals(reencoded, original)) {
      throw new AssertionError("decoded message does not re-encode to its bytes: " + message);
    }
  }

  private static byte[] withLength(byte[] afterLength) {
    byte[] whole = new byte[afterLength.length + 4];
    java.nio.ByteBuffer.wrap(whole).putInt(afterLength.length).put(afterLength);
    return whole;
  }
}
