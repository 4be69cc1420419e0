package io.dkv.rpc;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * Chooses the Netty transport: native epoll when the platform has it, NIO otherwise. Event-loop
 * groups made here may be shared by an {@link RpcServer} and an {@link RpcClient} in one process
 * (pass them to the builders), so a node runs on a handful of threads.
 */
public final class Transport {
  private Transport() {}

  /** True when the native epoll transport is used. */
  public static boolean nativeEpoll() {
    return Epoll.isAvailable();
  }

  /**
   * A new event-loop group of {@code threads} daemon threads named {@code name-N}. The caller
   * owns it and must shut it down.
   */
  public static EventLoopGroup newEventLoopGroup(int threads, String name) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    IoHandlerFactory io = nativeEpoll() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), io);
  }

  /** Default thread count: this is I/O and decoding only, so a couple of threads suffice. */
  static int defaultThreads() {
    return Math.min(2, Runtime.getRuntime().availableProcessors());
  }

  static Class<? extends ServerChannel> serverChannelClass() {
    return nativeEpoll() ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  static Class<? extends SocketChannel> socketChannelClass() {
    return nativeEpoll() ? EpollSocketChannel.class : NioSocketChannel.class;
  }
}
