package io.dkv.rpc;

import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Frame;
import io.dkv.protocol.MalformedMessageException;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dispatches the frames of one server connection to the registered handlers and writes their
 * replies. Runs on the connection's event loop; replies may be written from any thread.
 *
 * <p>Bad input: a frame that cannot be decoded gets an error reply and the connection is closed,
 * because the byte stream can no longer be trusted. An unknown procedure gets UNKNOWN_PROCEDURE
 * and the connection stays open: the frame itself was well-formed, so the stream is in sync.
 */
final class ServerHandler extends SimpleChannelInboundHandler<Frame> {
  private static final Logger log = LoggerFactory.getLogger(ServerHandler.class);

  private final Map<Integer, Registration> registry;
  private final DedupCache dedup;
  private boolean warnedUnknownProcedure;

  ServerHandler(Map<Integer, Registration> registry, DedupCache dedup) {
    this.registry = registry;
    this.dedup = dedup;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, Frame f) {
    Channel ch = ctx.channel();
    if (f.isResponse()) {
      rejectAndClose(ch, f.procedureId(), f.requestId(), ErrorCode.MALFORMED_FRAME, String.format(
          "a server accepts requests and one-way messages, not responses (flags 0x%02x)",
          f.flags()));
      return;
    }
    long deadlineNanos = 0;
    if (f.deadlineMillis() != 0) {
      deadlineNanos = System.nanoTime() + f.deadlineMillis() * 1_000_000L;
      deadlineNanos = deadlineNanos == 0 ? 1 : deadlineNanos; // 0 means "no deadline"
    }
    RequestContext rc = new RequestContext(f.requestId(), f.procedureId(), deadlineNanos,
        ch.remoteAddress());
    Registration reg = registry.get(f.procedureId());
    if (f.isOneWay()) {
      if (reg instanceof Registration.OneWay oneWay) {
        deliverOneWay(ch, oneWay.handler(), rc, f.body());
      } else {
        unknownProcedure(ch, f, "one-way");
      }
    } else if (reg instanceof Registration.Request request) {
      serve(ch, request, rc, f.body());
    } else {
      unknownProcedure(ch, f, "request/response");
    }
  }

  private void serve(Channel ch, Registration.Request reg, RequestContext rc, byte[] body) {
    CompletableFuture<byte[]> reply;
    if (reg.deduplicated()) {
      CompletableFuture<byte[]> mine = new CompletableFuture<>();
      CompletableFuture<byte[]> earlier = dedup.putIfAbsent(rc.procedureId(), rc.requestId(), mine);
      if (earlier != null) {
        reply = earlier; // a retry: answer with the first run's reply, do not run again
      } else {
        reply = mine;
        invoke(reg.handler(), rc, body).whenComplete((value, error) -> {
          // A retryable error means "try again", so a retry must really run again.
          if (error != null && !cacheable(unwrap(error))) {
            dedup.remove(rc.procedureId(), rc.requestId(), mine);
          }
          if (error != null) {
            mine.completeExceptionally(error);
          } else {
            mine.complete(value);
          }
        });
      }
    } else {
      reply = invoke(reg.handler(), rc, body);
    }
    reply.whenComplete((value, error) -> reply(ch, rc, value, error));
  }

  private static boolean cacheable(Throwable error) {
    return error instanceof RpcException e ? !e.retryable()
        : !(error instanceof MalformedMessageException);
  }

  private static CompletableFuture<byte[]> invoke(RpcHandler h, RequestContext rc, byte[] body) {
    try {
      CompletableFuture<byte[]> f = h.handle(rc, body);
      return f != null ? f : CompletableFuture.failedFuture(
          new IllegalStateException("handler returned a null future"));
    } catch (Exception e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private void reply(Channel ch, RequestContext rc, byte[] value, Throwable error) {
    int proc = rc.procedureId();
    long id = rc.requestId();
    if (error == null && value != null) {
      ch.writeAndFlush(Frame.response(proc, id, value), ch.voidPromise());
      return;
    }
    Throwable cause = error == null ? new IllegalStateException("handler completed with null")
        : unwrap(error);
    switch (cause) {
      case RpcException e -> ch.writeAndFlush(Frame.error(proc, id, e.code(), e.getMessage()),
          ch.voidPromise());
      case MalformedMessageException e -> rejectAndClose(ch, proc, id, e.code(), e.getMessage());
      default -> {
        log.warn("procedure {} request {} from {} failed unexpectedly", proc, id,
            ch.remoteAddress(), cause);
        ch.writeAndFlush(Frame.error(proc, id, ErrorCode.INTERNAL, "internal error in procedure "
            + proc + ": " + cause), ch.voidPromise());
      }
    }
  }

  private void deliverOneWay(Channel ch, OneWayHandler h, RequestContext rc, byte[] body) {
    try {
      h.handle(rc, body);
    } catch (MalformedMessageException e) {
      rejectAndClose(ch, rc.procedureId(), rc.requestId(), e.code(), e.getMessage());
    } catch (RpcException e) {
      // The handler refused this message on purpose: tell the sender, keep the connection.
      log.warn("one-way procedure {} from {} refused: {}: {}", rc.procedureId(),
          ch.remoteAddress(), e.code(), e.getMessage());
      ch.writeAndFlush(Frame.error(rc.procedureId(), rc.requestId(), e.code(), e.getMessage()),
          ch.voidPromise());
    } catch (Exception e) {
      log.warn("one-way procedure {} from {} failed", rc.procedureId(), ch.remoteAddress(), e);
    }
  }

  private void unknownProcedure(Channel ch, Frame f, String kind) {
    String message = "procedure " + f.procedureId() + " is not served here as a " + kind
        + " procedure; served: " + registry.keySet().stream().sorted().toList();
    // A confused peer may send many of these: warn once per connection, then debug.
    if (!warnedUnknownProcedure) {
      warnedUnknownProcedure = true;
      log.warn("bad input from {}: {}", ch.remoteAddress(), message);
    } else {
      log.debug("bad input from {}: {}", ch.remoteAddress(), message);
    }
    ch.writeAndFlush(Frame.error(f.procedureId(), f.requestId(), ErrorCode.UNKNOWN_PROCEDURE,
        message), ch.voidPromise());
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    Channel ch = ctx.channel();
    BadFrameException bad = findBadFrame(cause);
    if (bad != null) {
      rejectAndClose(ch, bad.procedureId, bad.requestId, bad.code, bad.getMessage());
    } else if (cause instanceof IOException) {
      log.debug("connection from {} failed: {}", ch.remoteAddress(), cause.toString());
      ch.close();
    } else {
      log.warn("unexpected failure on connection from {}; closing it", ch.remoteAddress(), cause);
      ch.close();
    }
  }

  /** Error reply, then close: the only way a connection ends because of what it sent. */
  private static void rejectAndClose(Channel ch, int procedureId, long requestId, ErrorCode code,
                                     String message) {
    log.warn("bad input from {} (procedure {}, request {}): {}: {}; closing the connection",
        ch.remoteAddress(), procedureId, requestId, code, message);
    if (ch.isActive()) {
      ch.writeAndFlush(Frame.error(procedureId, requestId, code, message))
          .addListener(ChannelFutureListener.CLOSE);
    }
  }

  static BadFrameException findBadFrame(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof BadFrameException b) {
        return b;
      }
    }
    return null;
  }

  static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }
}
