package io.dkv.rpc;

import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Frame;
import io.dkv.protocol.FrameCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Calls procedures on {@link RpcServer}s. One connection per remote address, made on first use
 * and shared by every call to it; calls are multiplexed by request id.
 *
 * <p>Failures: an error reply completes the call with {@link RpcException} carrying the reply's
 * code. If the connection fails, the call is written again (same request id) on a new connection,
 * reconnecting with exponential backoff, until the deadline. When the deadline passes the call
 * fails with TIMEOUT if it was ever written (the server may have run it), or with UNAVAILABLE
 * ("address unreachable: cause") if it never could be.
 *
 * <p>Threading: all methods are thread-safe and never block. Returned futures complete on a Netty
 * event-loop thread: callbacks attached to them must not block.
 */
public final class RpcClient implements AutoCloseable {
  private final Settings settings;
  private final EventLoopGroup group;
  private final boolean ownsGroup;
  private final Bootstrap bootstrap;
  private final ConcurrentHashMap<InetSocketAddress, Connection> connections =
      new ConcurrentHashMap<>();
  private final AtomicLong nextRequestId;
  private volatile boolean closed;

  /** Values every {@link Connection} of this client shares. */
  record Settings(int maxFrameBytes, long minBackoffNanos, long maxBackoffNanos,
                  int maxQueuedOneWay, AtomicLong drops) {
    void countDrop() {
      drops.incrementAndGet();
    }

    void countDrops(int n) {
      drops.addAndGet(n);
    }
  }

  private RpcClient(Builder b) {
    this.settings = new Settings(b.maxFrameBytes, b.minBackoff.toNanos(), b.maxBackoff.toNanos(),
        b.maxQueuedOneWay, new AtomicLong());
    this.ownsGroup = b.group == null;
    this.group = ownsGroup ? Transport.newEventLoopGroup(b.ioThreads, "dkv-rpc-client") : b.group;
    this.bootstrap = new Bootstrap()
        .channel(Transport.socketChannelClass())
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
            b.connectTimeout.toMillis()))
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
            new WriteBufferWaterMark(1 << 20, 4 << 20));
    long start = new SecureRandom().nextLong();
    this.nextRequestId = new AtomicLong(start);
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * A request id unique within this client: a random 64-bit start, then increments. Random starts
   * make ids of different clients (and of one client across restarts) collide with negligible
   * probability, which server-side deduplication relies on. Never 0, which error replies use for
   * "unknown request".
   */
  public long newRequestId() {
    long id;
    do {
      id = nextRequestId.getAndIncrement();
    } while (id == 0);
    return id;
  }

  /** {@link #call(InetSocketAddress, int, long, byte[], Duration)} with a new request id. */
  public CompletableFuture<byte[]> call(InetSocketAddress to, int procedureId, byte[] body,
                                        Duration deadline) {
    return call(to, procedureId, newRequestId(), body, deadline);
  }

  /**
   * Calls {@code procedureId} on {@code to} and completes with the response body.
   *
   * <p>Pass the same {@code requestId} again to retry a request whose outcome is unknown (for
   * example after a TIMEOUT): a server that deduplicates the procedure answers with the first
   * run's reply. A request id may be in flight to one address only once at a time.
   *
   * @param deadline how long to wait for the reply, reconnecting as needed; it travels in the
   *                 frame so the server can skip work the caller gave up on (capped at 2^32-1 ms)
   */
  public CompletableFuture<byte[]> call(InetSocketAddress to, int procedureId, long requestId,
                                        byte[] body, Duration deadline) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(deadline, "deadline");
    checkProcedure(procedureId);
    if ((long) body.length + FrameCodec.FRAME_OVERHEAD_BYTES > settings.maxFrameBytes()) {
      return CompletableFuture.failedFuture(new RpcException(ErrorCode.FRAME_TOO_LARGE,
          "request body of " + body.length + " bytes exceeds this client's frame limit of "
              + settings.maxFrameBytes() + " bytes"));
    }
    long deadlineNanos = System.nanoTime() + clampNanos(deadline);
    PendingCall call = new PendingCall(requestId, procedureId, body, deadlineNanos);
    Connection c = closed ? null : connection(to);
    if (c == null || !c.execute(() -> c.submit(call))) {
      call.future.completeExceptionally(new RpcException(ErrorCode.UNAVAILABLE,
          "the RpcClient is closed"));
    }
    return call.future;
  }

  /**
   * Sends a one-way message (ONE_WAY flag, no response), best effort: it may be lost if the
   * connection fails. Never blocks: while connecting, up to {@link Builder#maxQueuedOneWay}
   * messages wait in a queue; beyond it, or when the connection is not keeping up, or when a
   * connection attempt fails, messages are dropped and counted in
   * {@link #droppedOneWayMessages()}. Messages to one address are sent in call order.
   */
  public void send(InetSocketAddress to, int procedureId, byte[] body) {
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(body, "body");
    checkProcedure(procedureId);
    if ((long) body.length + FrameCodec.FRAME_OVERHEAD_BYTES > settings.maxFrameBytes()) {
      throw new IllegalArgumentException("one-way body of " + body.length + " bytes exceeds the"
          + " frame limit of " + settings.maxFrameBytes() + " bytes");
    }
    Frame frame = Frame.oneWay(procedureId, newRequestId(), body);
    Connection c = closed ? null : connection(to);
    if (c == null || !c.execute(() -> c.sendOneWay(frame))) {
      settings.countDrop();
    }
  }

  /**
   * Whether {@code to} looks down: the last connection to it failed or closed, and no connection
   * has been made since. False for an address never called. A hint for failing fast, not a
   * verdict: the next call or send tries to connect again.
   */
  public boolean unreachable(InetSocketAddress to) {
    Connection c = connections.get(to);
    return c != null && c.unreachable();
  }

  /** One-way messages dropped so far (see {@link #send}). */
  public long droppedOneWayMessages() {
    return settings.drops().get();
  }

  /**
   * Fails every pending call with UNAVAILABLE, closes every connection and, unless the event-loop
   * group was given to the builder, shuts it down. Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<io.netty.util.concurrent.Future<?>> done = new ArrayList<>();
    for (Connection c : connections.values()) {
      c.execute(c::shutdown);
    }
    if (ownsGroup) {
      // Graceful shutdown runs the tasks already queued, including the shutdowns above.
      done.add(group.shutdownGracefully(0, 2, TimeUnit.SECONDS));
    }
    for (var f : done) {
      f.awaitUninterruptibly();
    }
  }

  private Connection connection(InetSocketAddress to) {
    return connections.computeIfAbsent(to, a -> new Connection(a, group.next(), bootstrap,
        settings));
  }

  private static void checkProcedure(int procedureId) {
    if (procedureId < 0 || procedureId > 0xFFFF) {
      throw new IllegalArgumentException("procedure id must be a u16, got " + procedureId);
    }
  }

  private static long clampNanos(Duration d) {
    long maxMillis = 0xFFFF_FFFFL; // the frame's deadline field is a u32 of milliseconds
    if (d.compareTo(Duration.ofMillis(maxMillis)) > 0) {
      return TimeUnit.MILLISECONDS.toNanos(maxMillis);
    }
    return d.toNanos();
  }

  /** Configures an {@link RpcClient}. Not thread-safe; use from one thread, then discard. */
  public static final class Builder {
    private int maxFrameBytes = RpcServer.DEFAULT_MAX_FRAME_BYTES;
    private Duration connectTimeout = Duration.ofSeconds(3);
    private Duration minBackoff = Duration.ofMillis(20);
    private Duration maxBackoff = Duration.ofSeconds(2);
    private int maxQueuedOneWay = 10_000;
    private int ioThreads = 1;
    private EventLoopGroup group;

    private Builder() {}

    /** Largest frame sent or accepted, length field included; default 129 MiB. */
    public Builder maxFrameBytes(int maxFrameBytes) {
      if (maxFrameBytes < FrameCodec.FRAME_OVERHEAD_BYTES) {
        throw new IllegalArgumentException("maxFrameBytes must be at least the 24-byte header,"
            + " got " + maxFrameBytes);
      }
      this.maxFrameBytes = maxFrameBytes;
      return this;
    }

    /** How long one TCP connect may take; default 3 s. */
    public Builder connectTimeout(Duration connectTimeout) {
      if (connectTimeout.isNegative() || connectTimeout.isZero()) {
        throw new IllegalArgumentException("connectTimeout must be positive, got "
            + connectTimeout);
      }
      this.connectTimeout = connectTimeout;
      return this;
    }

    /** Reconnect backoff: starts at {@code min}, doubles per failure up to {@code max}. */
    public Builder reconnectBackoff(Duration min, Duration max) {
      if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) {
        throw new IllegalArgumentException("backoff needs 0 < min <= max, got " + min + " and "
            + max);
      }
      this.minBackoff = min;
      this.maxBackoff = max;
      return this;
    }

    /** One-way messages queued per address while connecting; default 10,000. */
    public Builder maxQueuedOneWay(int maxQueuedOneWay) {
      if (maxQueuedOneWay < 0) {
        throw new IllegalArgumentException("maxQueuedOneWay must be >= 0, got "
            + maxQueuedOneWay);
      }
      this.maxQueuedOneWay = maxQueuedOneWay;
      return this;
    }

    /** Event-loop threads when the client makes its own group; default 1. */
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

    public RpcClient build() {
      return new RpcClient(this);
    }
  }
}
