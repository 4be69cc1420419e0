package io.dkv.examples.primes;

/**
 * The seed's example service, free of any networking: {@link PrimeServer} exposes it over RPC and
 * {@link PrimeClient} calls it remotely.
 *
 * <p>Implementations may block (they are called on a worker thread, never an event loop) and
 * must be thread-safe.
 */
public interface PrimeService {
  /**
   * The i-th prime, counting from 0: ithPrime(0) = 2, ithPrime(1) = 3.
   *
   * @throws IllegalArgumentException when {@code i} is negative or not below the service's limit
   */
  long ithPrime(long i);

  /** True when gcd(x, y) = 1. Note gcd(0, 0) = 0, so 0 and 0 are not coprime. */
  boolean isCoprime(long x, long y);
}
