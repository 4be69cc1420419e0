package io.dkv.examples.primes;

import io.dkv.protocol.ErrorCode;
import io.dkv.rpc.RequestContext;
import io.dkv.rpc.RpcException;
import io.dkv.rpc.RpcServer;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The server stub: unmarshals requests, calls a {@link PrimeService}, marshals the results.
 *
 * <p>The RPC layer calls handlers on its event loop, which must not block, while a first large
 * ith_prime runs a sieve for a while; so the service runs on one worker thread of its own.
 * A request whose caller's deadline passed while it waited for the worker is not computed.
 *
 * <p>Errors: a body of the wrong length is MALFORMED_FRAME (and the RPC layer closes the
 * connection); i &gt;= {@link SievePrimeService#MAX_INDEX} is INVALID_ARGUMENT.
 */
public final class PrimeServer implements AutoCloseable {
  private final PrimeService service;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "prime-worker");
    t.setDaemon(true);
    return t;
  });
  private final RpcServer rpc;

  public PrimeServer(PrimeService service, String host, int port) {
    this.service = service;
    this.rpc = RpcServer.builder()
        .listen(host, port)
        .maxFrameBytes(64 * 1024) // the arguments are 8 bytes at most
        .handle(PrimeWire.ITH_PRIME, (ctx, body) -> {
          long i = PrimeWire.decode(body, 1, "ith_prime")[0];
          if (i >= SievePrimeService.MAX_INDEX) {
            throw new RpcException(ErrorCode.INVALID_ARGUMENT, "ith_prime(i) needs i < "
                + SievePrimeService.MAX_INDEX + ", got " + i);
          }
          return onWorker(ctx, () -> PrimeWire.encode(this.service.ithPrime(i)));
        })
        .handle(PrimeWire.IS_COPRIME, (ctx, body) -> {
          long[] xy = PrimeWire.decode(body, 2, "is_coprime");
          return onWorker(ctx, () ->
              PrimeWire.encode(this.service.isCoprime(xy[0], xy[1]) ? 1 : 0));
        })
        .build();
  }

  public PrimeServer start() throws InterruptedException {
    rpc.start();
    return this;
  }

  public InetSocketAddress localAddress() {
    return rpc.localAddress();
  }

  @Override
  public void close() {
    rpc.close();
    worker.shutdownNow();
  }

  private CompletableFuture<byte[]> onWorker(RequestContext ctx, Supplier<byte[]> work) {
    return CompletableFuture.supplyAsync(() -> {
      if (ctx.expiredAt(System.nanoTime())) {
        throw new RpcException(ErrorCode.TIMEOUT, "the caller's deadline passed before the"
            + " work started");
      }
      try {
        return work.get();
      } catch (IllegalArgumentException e) {
        throw new RpcException(ErrorCode.INVALID_ARGUMENT, e.getMessage());
      }
    }, worker);
  }
}
