package io.dkv.examples.primes;

import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionException;

/**
 * The client stub: marshals arguments, calls the server, unmarshals results. Blocking, and so not
 * for use on an event-loop thread. Thread-safe.
 *
 * <p>Arguments are u32 on the wire, so values outside 0..2^32-1 are rejected here with
 * IllegalArgumentException before anything is sent. Failures of the call (error replies,
 * TIMEOUT, UNAVAILABLE) are thrown as {@link RpcException}.
 */
public final class PrimeClient implements AutoCloseable {
  private final RpcClient rpc;
  private final InetSocketAddress server;
  private final Duration deadline;

  public PrimeClient(InetSocketAddress server, Duration deadline) {
    this.rpc = RpcClient.builder().maxFrameBytes(64 * 1024).build();
    this.server = server;
    this.deadline = deadline;
  }

  /** The i-th prime, from 0: ithPrime(0) = 2. The server serves i below 10,000,000. */
  public long ithPrime(long i) {
    byte[] body = PrimeWire.encode(checkU32("i", i));
    return PrimeWire.decode(call(PrimeWire.ITH_PRIME, body), 1, "ith_prime reply")[0];
  }

  public boolean isCoprime(long x, long y) {
    byte[] body = PrimeWire.encode(checkU32("x", x), checkU32("y", y));
    long answer = PrimeWire.decode(call(PrimeWire.IS_COPRIME, body), 1, "is_coprime reply")[0];
    if (answer > 1) {
      throw new io.dkv.protocol.MalformedMessageException("is_coprime reply must be 0 or 1, got "
          + answer);
    }
    return answer == 1;
  }

  @Override
  public void close() {
    rpc.close();
  }

  private byte[] call(int procedure, byte[] body) {
    try {
      return rpc.call(server, procedure, body, deadline).join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  private static long checkU32(String name, long v) {
    if (v < 0 || v > PrimeWire.MAX_U32) {
      throw new IllegalArgumentException(name + " must be a u32 (0.." + PrimeWire.MAX_U32
          + "), got " + v);
    }
    return v;
  }
}
