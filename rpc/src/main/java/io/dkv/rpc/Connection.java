package io.dkv.rpc;

import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Frame;
import io.dkv.protocol.MalformedMessageException;
import io.dkv.protocol.MessageCodec;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's single connection to one address, multiplexing every call by request id.
 *
 * <p>Implementation notes. All state is confined to one event loop ({@link #loop}), which also
 * runs the channel, its deadline timers and its reconnect timer, so nothing here needs a lock;
 * other threads enter through {@link #execute}. The connection is made on demand and re-made
 * while calls wait: the first drop of a healthy connection reconnects at once, later failures
 * back off exponentially (with jitter, so that many clients do not reconnect in lockstep) up to
 * the maximum. A call not answered when its connection drops is written again, with the same
 * request id, on the next connection, so a server deduplicating that procedure runs it once.
 */
final class Connection {
  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  private static final long HEALTHY_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long MAX_U32 = 0xFFFF_FFFFL;

  private final InetSocketAddress address;
  private final EventLoop loop;
  private final Bootstrap bootstrap;
  private final RpcClient.Settings settings;

  // Invariant: every call in `calls` has a live deadline timer and an incomplete future.
  private final LinkedHashMap<Long, PendingCall> calls = new LinkedHashMap<>();
  private final ArrayDeque<Frame> queuedOneWay = new ArrayDeque<>();
  private Channel channel; // non-null only while connected
  private long connectedAtNanos;
  private boolean repliedOnChannel;
  private boolean connecting;
  private ScheduledFuture<?> reconnectTimer;
  private long backoffNanos; // 0 until a failure; the wait before the next attempt after one
  private long nextConnectNanos;
  private Throwable lastFailure; // why the last attempt or connection failed
  /** Read from any thread: the peer's last connection failed and no attempt has succeeded since. */
  private volatile boolean unreachable;
  private boolean closed;

  Connection(InetSocketAddress address, EventLoop loop, Bootstrap bootstrap,
             RpcClient.Settings settings) {
    this.address = address;
    this.loop = loop;
    this.bootstrap = bootstrap.clone(loop).handler(new ClientChannelInitializer(this, settings));
    this.settings = settings;
  }

  /** Whether the last connection to the peer failed or closed and none has been made since. */
  boolean unreachable() {
    return unreachable;
  }

  /** Runs {@code task} on this connection's event loop; false if the loop no longer runs. */
  boolean execute(Runnable task) {
    if (loop.inEventLoop()) {
      task.run();
      return true;
    }
    try {
      loop.execute(task);
      return true;
    } catch (java.util.concurrent.RejectedExecutionException e) {
      return false;
    }
  }

  void submit(PendingCall call) {
    if (closed) {
      call.future.completeExceptionally(closedError());
      return;
    }
    if (calls.containsKey(call.requestId)) {
      call.future.completeExceptionally(new IllegalStateException("request id " + call.requestId
          + " is already in flight to " + address + "; a retry must wait for the first attempt"));
      return;
    }
    long remaining = call.deadlineNanos - System.nanoTime();
    if (remaining <= 0) {
      call.future.completeExceptionally(timeout(call));
      return;
    }
    calls.put(call.requestId, call);
    call.deadlineTimer = loop.schedule(() -> onDeadline(call), remaining, TimeUnit.NANOSECONDS);
    if (channel != null) {
      write(call);
      channel.flush();
    } else {
      ensureConnecting();
    }
  }

  void sendOneWay(Frame frame) {
    if (closed) {
      settings.countDrop();
    } else if (channel != null) {
      if (channel.isWritable()) {
        channel.writeAndFlush(frame, channel.voidPromise());
      } else {
        settings.countDrop(); // the peer is not keeping up; best effort means we shed load
      }
    } else if (queuedOneWay.size() >= settings.maxQueuedOneWay()) {
      settings.countDrop();
    } else {
      queuedOneWay.add(frame);
      ensureConnecting();
    }
  }

  void onFrame(Channel ch, Frame f) {
    if (ch != channel) {
      return;
    }
    if (!f.isResponse()) {
      log.warn("bad input from server {}: a client accepts only responses, got flags 0x{} for"
          + " procedure {}; closing the connection", address, Integer.toHexString(f.flags()),
          f.procedureId());
      ch.close();
      return;
    }
    repliedOnChannel = true;
    PendingCall call = calls.get(f.requestId());
    if (call == null || !call.sentOnCurrentChannel) {
      if (f.isError()) {
        // One-way messages and calls that already timed out end here: routine once callers give
        // each attempt a short deadline and the server answers the abandoned one later.
        log.debug("server {} rejected procedure {} request {}: {}", address, f.procedureId(),
            f.requestId(), describeError(f.body()));
      }
      return;
    }
    calls.remove(f.requestId());
    call.deadlineTimer.cancel(false);
    if (f.isError()) {
      call.future.completeExceptionally(errorOf(f.body()));
    } else {
      call.future.complete(f.body());
    }
  }

  /** Fails everything pending and closes the channel. */
  void shutdown() {
    closed = true;
    if (reconnectTimer != null) {
      reconnectTimer.cancel(false);
    }
    for (PendingCall call : new ArrayList<>(calls.values())) {
      call.deadlineTimer.cancel(false);
      call.future.completeExceptionally(closedError());
    }
    calls.clear();
    settings.countDrops(queuedOneWay.size());
    queuedOneWay.clear();
    if (channel != null) {
      channel.close();
    }
  }

  private void write(PendingCall call) {
    long remainingMillis = Math.ceilDiv(call.deadlineNanos - System.nanoTime(), 1_000_000L);
    Frame f = Frame.request(call.procedureId, call.requestId,
        Math.max(1, Math.min(MAX_U32, remainingMillis)), call.body);
    call.sentOnCurrentChannel = true;
    call.everSent = true;
    channel.write(f, channel.voidPromise());
  }

  private void ensureConnecting() {
    if (channel != null || connecting || closed || reconnectTimer != null) {
      return;
    }
    long wait = nextConnectNanos - System.nanoTime();
    if (wait > 0) {
      reconnectTimer = loop.schedule(() -> {
        reconnectTimer = null;
        connectNow();
      }, wait, TimeUnit.NANOSECONDS);
    } else {
      connectNow();
    }
  }

  private void connectNow() {
    if (channel != null || connecting || closed || (calls.isEmpty() && queuedOneWay.isEmpty())) {
      return; // nobody waits any more: stay idle until the next call
    }
    connecting = true;
    bootstrap.connect(address).addListener((ChannelFuture f) -> onConnected(f));
  }

  private void onConnected(ChannelFuture f) {
    connecting = false;
    if (closed) {
      f.channel().close();
      return;
    }
    if (!f.isSuccess()) {
      onFailure(f.cause(), false);
      settings.countDrops(queuedOneWay.size()); // best effort: do not hoard for a dead peer
      queuedOneWay.clear();
      ensureConnecting();
      return;
    }
    Channel ch = f.channel();
    channel = ch;
    connectedAtNanos = System.nanoTime();
    repliedOnChannel = false;
    lastFailure = null;
    unreachable = false;
    ch.closeFuture().addListener(cf -> onClosed(ch));
    for (PendingCall call : calls.values()) {
      write(call);
    }
    for (Frame frame; (frame = queuedOneWay.poll()) != null; ) {
      ch.write(frame, ch.voidPromise());
    }
    ch.flush();
  }

  private void onClosed(Channel ch) {
    if (ch != channel) {
      return;
    }
    channel = null;
    boolean healthy = repliedOnChannel || System.nanoTime() - connectedAtNanos > HEALTHY_NANOS;
    if (healthy) {
      backoffNanos = 0;
    }
    onFailure(new IOException("connection to " + address + " closed"), true);
    for (PendingCall call : calls.values()) {
      call.sentOnCurrentChannel = false;
    }
    ensureConnecting();
  }

  private void onFailure(Throwable cause, boolean wasConnected) {
    lastFailure = cause;
    unreachable = true;
    if (wasConnected && backoffNanos == 0) {
      nextConnectNanos = 0; // a healthy connection dropped: try again at once, once
      backoffNanos = settings.minBackoffNanos();
      return;
    }
    backoffNanos = backoffNanos == 0 ? settings.minBackoffNanos()
        : Math.min(settings.maxBackoffNanos(), backoffNanos * 2);
    // Equal jitter: wait between half and all of the backoff.
    long half = backoffNanos / 2;
    nextConnectNanos = System.nanoTime() + half + ThreadLocalRandom.current().nextLong(half + 1);
    log.debug("connection to {} failed, next attempt in {} ms: {}", address,
        (nextConnectNanos - System.nanoTime()) / 1_000_000, cause.toString());
  }

  private void onDeadline(PendingCall call) {
    if (calls.remove(call.requestId, call)) {
      call.future.completeExceptionally(!call.everSent && lastFailure != null
          ? new RpcException(ErrorCode.UNAVAILABLE, address + " unreachable: " + lastFailure,
              lastFailure)
          : timeout(call));
    }
  }

  private RpcException timeout(PendingCall call) {
    return new RpcException(ErrorCode.TIMEOUT, "no reply from " + address + " to procedure "
        + call.procedureId + " (request id " + call.requestId + ") before the deadline"
        + (call.everSent ? "; the request was sent and may have run" : ""));
  }

  private RpcException closedError() {
    return new RpcException(ErrorCode.UNAVAILABLE, "the RpcClient was closed before " + address
        + " replied");
  }

  private static RpcException errorOf(byte[] body) {
    try {
      var e = MessageCodec.decodeError(body);
      return new RpcException(e.code(), e.message());
    } catch (MalformedMessageException e) {
      return new RpcException(ErrorCode.MALFORMED_FRAME, "the server sent an undecodable error"
          + " reply: " + e.getMessage());
    }
  }

  private static String describeError(byte[] body) {
    RpcException e = errorOf(body);
    return e.code() + ": " + e.getMessage();
  }
}
