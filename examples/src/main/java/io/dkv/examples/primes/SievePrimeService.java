package io.dkv.examples.primes;

import java.util.BitSet;

/**
 * {@link PrimeService} by a sieve of Eratosthenes over odd numbers, grown on demand and kept, so a
 * run of calls costs one sieve up to the largest prime asked for.
 *
 * <p>The limit on i keeps memory bounded: the 10,000,000th prime is 179,424,673, a sieve of
 * 11 MB plus 40 MB of primes. Thread-safe: {@link #ithPrime} is synchronized.
 */
public final class SievePrimeService implements PrimeService {
  /** ithPrime accepts i below this; the RPC layer answers INVALID_ARGUMENT beyond. */
  public static final long MAX_INDEX = 10_000_000;

  private int[] primes = {2, 3, 5, 7, 11, 13};

  @Override
  public synchronized long ithPrime(long i) {
    if (i < 0 || i >= MAX_INDEX) {
      throw new IllegalArgumentException("ith_prime needs 0 <= i < " + MAX_INDEX + ", got " + i);
    }
    if (i >= primes.length) {
      // Grow at least geometrically, so rising requests do not re-sieve each time.
      long n = Math.min(MAX_INDEX, Math.max(i + 1, 2L * primes.length));
      primes = sieve(upperBoundOfNthPrime(n), (int) n);
    }
    return primes[(int) i];
  }

  @Override
  public boolean isCoprime(long x, long y) {
    return gcd(Math.abs(x), Math.abs(y)) == 1;
  }

  static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  /** Rosser's bound: for n >= 6 the n-th prime (1-based) is below n (ln n + ln ln n). */
  static long upperBoundOfNthPrime(long n) {
    if (n < 6) {
      return 13;
    }
    double ln = Math.log(n);
    return (long) Math.ceil(n * (ln + Math.log(ln)));
  }

  /** The first {@code count} primes, all of which are at most {@code limit}. */
  private static int[] sieve(long limit, int count) {
    // Bit k stands for the odd number 2k + 1; a set bit means composite.
    int bits = (int) (limit / 2 + 1);
    BitSet composite = new BitSet(bits);
    int[] out = new int[count];
    out[0] = 2;
    int found = 1;
    for (int k = 1; k < bits && found < count; k++) {
      if (composite.get(k)) {
        continue;
      }
      long p = 2L * k + 1;
      out[found++] = (int) p;
      for (long m = p * p; m <= limit; m += 2 * p) {
        composite.set((int) (m / 2));
      }
    }
    if (found < count) {
      throw new IllegalStateException("sieve up to " + limit + " found only " + found
          + " primes, expected " + count);
    }
    return out;
  }
}
