package io.dkv.rpc;

import io.dkv.protocol.Frame;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Hands the frames of one client connection to its {@link Connection}; closes on bad input. */
final class ClientHandler extends SimpleChannelInboundHandler<Frame> {
  private static final Logger log = LoggerFactory.getLogger(ClientHandler.class);

  private final Connection connection;

  ClientHandler(Connection connection) {
    this.connection = connection;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Frame frame) {
    connection.onFrame(ctx.channel(), frame);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    BadFrameException bad = ServerHandler.findBadFrame(cause);
    if (bad != null) {
      log.warn("bad input from server {}: {}: {}; closing the connection",
          ctx.channel().remoteAddress(), bad.code, bad.getMessage());
    } else if (cause instanceof IOException) {
      log.debug("connection to {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
    } else {
      log.warn("unexpected failure on connection to {}; closing it",
          ctx.channel().remoteAddress(), cause);
    }
    ctx.close();
  }
}
