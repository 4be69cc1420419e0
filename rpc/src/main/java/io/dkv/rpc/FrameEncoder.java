package io.dkv.rpc;

import io.dkv.protocol.Frame;
import io.dkv.protocol.FrameCodec;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Writes a {@link Frame} as its 24-byte header followed by the body array itself: a 128 MiB value
 * is not copied again on its way to the socket.
 */
@Sharable
final class FrameEncoder extends MessageToMessageEncoder<Frame> {
  static final FrameEncoder INSTANCE = new FrameEncoder();

  private FrameEncoder() {
    super(Frame.class);
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Frame frame, List<Object> out) {
    byte[] header = new byte[FrameCodec.FRAME_OVERHEAD_BYTES];
    FrameCodec.encodeHeader(frame, ByteBuffer.wrap(header));
    out.add(frame.body().length == 0
        ? Unpooled.wrappedBuffer(header)
        : Unpooled.wrappedBuffer(header, frame.body()));
  }
}
