package io.dkv.rpc;

import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Frame;
import io.dkv.protocol.FrameCodec;
import io.dkv.protocol.MalformedMessageException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.nio.ByteBuffer;

/**
 * Turns a byte stream into {@link io.dkv.protocol.Frame}s, however the bytes were split into
 * reads. Delimits with Netty's length-field decoder, then decodes and checks the header with
 * {@link FrameCodec}.
 *
 * <p>An oversized length is rejected before its body arrives, but only after the whole header
 * has, so the error reply can name the request. After the first bad frame the decoder discards
 * everything: the stream is out of sync and the connection is about to close.
 */
final class FrameDecoder extends LengthFieldBasedFrameDecoder {
  private final int maxFrameBytes;
  private boolean failed;

  /** @param maxFrameBytes the largest whole frame accepted, length field included */
  FrameDecoder(int maxFrameBytes) {
    super(maxFrameBytes, 0, FrameCodec.LENGTH_FIELD_BYTES, 0, FrameCodec.LENGTH_FIELD_BYTES, true);
    this.maxFrameBytes = maxFrameBytes;
  }

  @Override
  protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
    if (failed) {
      in.skipBytes(in.readableBytes());
      return null;
    }
    if (in.readableBytes() < FrameCodec.LENGTH_FIELD_BYTES) {
      return null;
    }
    long length = in.getUnsignedInt(in.readerIndex());
    if (length + FrameCodec.LENGTH_FIELD_BYTES > maxFrameBytes) {
      if (length >= FrameCodec.HEADER_BYTES
          && in.readableBytes() < FrameCodec.FRAME_OVERHEAD_BYTES) {
        return null; // wait for the header, to learn the request id
      }
      ByteBuffer header = in.nioBuffer(in.readerIndex() + FrameCodec.LENGTH_FIELD_BYTES,
          Math.min(in.readableBytes() - FrameCodec.LENGTH_FIELD_BYTES, FrameCodec.HEADER_BYTES));
      // Only a header of our version names a request; otherwise it is likely garbage.
      boolean ours = header.remaining() > 0 && header.get(header.position()) == Frame.VERSION;
      throw fail(new BadFrameException(ErrorCode.FRAME_TOO_LARGE,
          ours ? FrameCodec.peekRequestId(header) : 0,
          ours ? FrameCodec.peekProcedureId(header) : 0,
          "frame of " + (length + FrameCodec.LENGTH_FIELD_BYTES) + " bytes exceeds this node's"
              + " limit of " + maxFrameBytes + " bytes (length field included)"));
    }
    if (length < FrameCodec.HEADER_BYTES) {
      throw fail(new BadFrameException(ErrorCode.MALFORMED_FRAME, 0, 0, "frame length field "
          + length + " is shorter than the " + FrameCodec.HEADER_BYTES + "-byte header"));
    }
    ByteBuf frame = (ByteBuf) super.decode(ctx, in);
    if (frame == null) {
      return null;
    }
    try {
      ByteBuffer bytes = frame.nioBuffer();
      try {
        return FrameCodec.decode(bytes);
      } catch (MalformedMessageException e) {
        throw fail(new BadFrameException(e.code(), FrameCodec.peekRequestId(bytes),
            FrameCodec.peekProcedureId(bytes), e.getMessage()));
      }
    } finally {
      frame.release();
    }
  }

  private BadFrameException fail(BadFrameException e) {
    failed = true;
    return e;
  }
}
