package io.dkv.rpc;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;

/** The pipeline of a client connection: flush batching, framing, dispatch to its Connection. */
final class ClientChannelInitializer extends ChannelInitializer<SocketChannel> {
  private final Connection connection;
  private final RpcClient.Settings settings;

  ClientChannelInitializer(Connection connection, RpcClient.Settings settings) {
    this.connection = connection;
    this.settings = settings;
  }

  @Override
  protected void initChannel(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    // Peer traffic is many small one-way messages: one syscall per batch, not per message.
    p.addLast(new FlushConsolidationHandler(256, true));
    p.addLast(new FrameDecoder(settings.maxFrameBytes()));
    p.addLast(FrameEncoder.INSTANCE);
    p.addLast(new ClientHandler(connection));
  }
}
