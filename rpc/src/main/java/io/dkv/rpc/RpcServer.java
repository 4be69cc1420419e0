package io.dkv.rpc;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Serves registered procedures over TCP with the dkv frame protocol.
 *
 * <p>Handlers run on Netty event-loop threads and must not block (see {@link RpcHandler}). Bad
 * input on one connection (malformed, oversized or garbage frames) gets an error reply and closes
 * that connection only; every other connection keeps being served. A request for a procedure
 * that is not registered gets UNKNOWN_PROCEDURE and its connection stays open, since the frame
 * itself was well-formed. Frames up to {@link Builder#maxFrameBytes} are accepted, length field
 * included. See {@code docs/protocol.md} for the full rules.
 *
 * <p>Lifecycle: {@link #start()} once, then {@link #close()}. Thread-safe.
 */
public final class RpcServer implements AutoCloseable {
  /** Default largest frame: a 128 MiB value plus room for the key and headers. */
  public static final int DEFAULT_MAX_FRAME_BYTES = 129 * 1024 * 1024;

  private final Builder b;
  private final Map<Integer, Registration> registry;
  private final DedupCache dedup;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private volatile Channel serverChannel;
  private volatile boolean closed;

  private RpcServer(Builder b) {
    this.b = b;
    this.registry = Map.copyOf(b.registry);
    this.dedup = new DedupCache(b.dedupMaxEntries, b.dedupMaxAge.toNanos(), System::nanoTime);
    this.ownsGroup = b.group == null;
    this.group = ownsGroup ? Transport.newEventLoopGroup(b.ioThreads, "dkv-rpc-server") : b.group;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Binds and starts accepting connections.
   *
   * @throws UncheckedIOException wrapping a {@link BindException} that names the address when it
   *     cannot be bound (for example, the port is taken)
   */
  public RpcServer start() throws InterruptedException {
    if (serverChannel != null || closed) {
      throw new IllegalStateException("an RpcServer can be started once");
    }
    ServerBootstrap boot = new ServerBootstrap()
        .group(group)
        .channel(Transport.serverChannelClass())
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childOption(ChannelOption.SO_KEEPALIVE, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            channels.add(ch);
            ChannelPipeline p = ch.pipeline();
            // Many small replies and one-way messages: batch their flushes into fewer syscalls.
            p.addLast(new FlushConsolidationHandler(256, true));
            p.addLast(new FrameDecoder(b.maxFrameBytes));
            p.addLast(FrameEncoder.INSTANCE);
            p.addLast(new ServerHandler(registry, dedup));
          }
        });
    var bind = boot.bind(b.host, b.port).await();
    if (!bind.isSuccess()) {
      close();
      BindException e = new BindException("cannot listen on " + b.host + ":" + b.port + ": "
          + bind.cause().getMessage());
      e.initCause(bind.cause());
      throw new UncheckedIOException(e);
    }
    serverChannel = bind.channel();
    return this;
  }

  /** The bound address; with port 0 this tells the port chosen. Only after {@link #start()}. */
  public InetSocketAddress localAddress() {
    Channel ch = serverChannel;
    if (ch == null) {
      throw new IllegalStateException("the server is not started");
    }
    return (InetSocketAddress) ch.localAddress();
  }

  /** Entries in the deduplication cache now; for tests and metrics. */
  public int dedupCacheSize() {
    return dedup.size();
  }

  /**
   * Stops accepting, closes every connection and, unless the event-loop group was given to the
   * builder, shuts it down. Idempotent. Replies not yet written are lost; callers retry.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Channel ch = serverChannel;
    if (ch != null) {
      ch.close().awaitUninterruptibly();
    }
    channels.close().awaitUninterruptibly();
    if (ownsGroup) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
  }

  /** Configures an {@link RpcServer}. Not thread-safe; use from one thread, then discard. */
  public static final class Builder {
    private String host = "0.0.0.0";
    private int port;
    private int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    private int dedupMaxEntries = 100_000;
    private Duration dedupMaxAge = Duration.ofMinutes(10);
    private int ioThreads = Transport.defaultThreads();
    private EventLoopGroup group;
    private final Map<Integer, Registration> registry = new HashMap<>();

    private Builder() {}

    /** Address to bind; port 0 picks a free port. Default 0.0.0.0:0. */
    public Builder listen(String host, int port) {
      if (port < 0 || port > 0xFFFF) {
        throw new IllegalArgumentException("port must be 0..65535, got " + port);
      }
      this.host = Objects.requireNonNull(host, "host");
      this.port = port;
      return this;
    }

    /** Largest frame accepted, length field included; larger ones get FRAME_TOO_LARGE. */
    public Builder maxFrameBytes(int maxFrameBytes) {
      if (maxFrameBytes < io.dkv.protocol.FrameCodec.FRAME_OVERHEAD_BYTES) {
        throw new IllegalArgumentException("maxFrameBytes must be at least the 24-byte header,"
            + " got " + maxFrameBytes);
      }
      this.maxFrameBytes = maxFrameBytes;
      return this;
    }

    /** Serves {@code procedureId} as request/response; every request runs the handler. */
    public Builder handle(int procedureId, RpcHandler handler) {
      Objects.requireNonNull(handler, "handler");
      return register(procedureId, new Registration.Request(handler, false));
    }

    /**
     * Serves {@code procedureId} as request/response, at most once per request id: a request
     * whose id was seen within the dedup window (see {@link #dedupLimits}) gets the first run's
     * reply (or waits for it) without running the handler again. Replies with a retryable error
     * code, and malformed-input failures, are not kept, so a retry of those runs again.
     */
    public Builder handleDeduplicated(int procedureId, RpcHandler handler) {
      Objects.requireNonNull(handler, "handler");
      return register(procedureId, new Registration.Request(handler, true));
    }

    /** Receives {@code procedureId} as one-way messages. */
    public Builder handleOneWay(int procedureId, OneWayHandler handler) {
      Objects.requireNonNull(handler, "handler");
      return register(procedureId, new Registration.OneWay(handler));
    }

    /** Bounds of the deduplication cache; default 100,000 entries and 10 minutes. */
    public Builder dedupLimits(int maxEntries, Duration maxAge) {
      if (maxEntries < 1 || maxAge.isNegative() || maxAge.isZero()) {
        throw new IllegalArgumentException("dedup limits must be positive, got " + maxEntries
            + " entries and " + maxAge);
      }
      this.dedupMaxEntries = maxEntries;
      this.dedupMaxAge = maxAge;
      return this;
    }

    /** Event-loop threads when the server makes its own group; default min(2, cores). */
    public Builder ioThreads(int ioThreads) {
      if (ioThreads < 1) {
        throw new IllegalArgumentException("ioThreads must be at least 1, got " + ioThreads);
      }
      this.ioThreads = ioThreads;
      return this;
    }

    /** Runs on this group (from {@link Transport#newEventLoopGroup}); the caller shuts it down. */
    public Builder eventLoopGroup(EventLoopGroup group) {
      this.group = Objects.requireNonNull(group, "group");
      return this;
    }

    public RpcServer build() {
      return new RpcServer(this);
    }

    private Builder register(int procedureId, Registration r) {
      if (procedureId < 0 || procedureId > 0xFFFF) {
        throw new IllegalArgumentException("procedure id must be a u16, got " + procedureId);
      }
      if (registry.putIfAbsent(procedureId, r) != null) {
        throw new IllegalArgumentException("procedure " + procedureId + " is already registered");
      }
      return this;
    }
  }
}
