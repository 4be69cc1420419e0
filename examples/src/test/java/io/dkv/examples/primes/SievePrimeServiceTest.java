package io.dkv.examples.primes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class SievePrimeServiceTest {
  private final SievePrimeService service = new SievePrimeService();

  @Test
  void firstPrimesMatchTrialDivision() {
    long candidate = 1;
    for (int i = 0; i < 3_000; i++) {
      do {
        candidate++;
      } while (!isPrimeByTrialDivision(candidate));
      assertThat(service.ithPrime(i)).as("ith_prime(%d)", i).isEqualTo(candidate);
    }
  }

  @Test
  void knownValues() {
    assertThat(service.ithPrime(0)).isEqualTo(2);
    assertThat(service.ithPrime(999)).isEqualTo(7_919);
    assertThat(service.ithPrime(99_999)).isEqualTo(1_299_709);
  }

  @Test
  void indexOutsideTheLimitIsRejected() {
    assertThatThrownBy(() -> service.ithPrime(SievePrimeService.MAX_INDEX))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("i < 10000000");
    assertThatThrownBy(() -> service.ithPrime(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Property
  void coprimeMatchesBigIntegerGcd(@ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long x,
                                   @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long y) {
    boolean expected = BigInteger.valueOf(x).gcd(BigInteger.valueOf(y)).equals(BigInteger.ONE);
    assertThat(service.isCoprime(x, y)).isEqualTo(expected);
  }

  @Test
  void coprimeEdgeCases() {
    assertThat(service.isCoprime(0, 1)).isTrue();
    assertThat(service.isCoprime(0, 0)).isFalse();
    assertThat(service.isCoprime(1, 1)).isTrue();
    assertThat(service.isCoprime(0, 7)).isFalse();
  }

  private static boolean isPrimeByTrialDivision(long n) {
    for (long d = 2; d * d <= n; d++) {
      if (n % d == 0) {
        return false;
      }
    }
    return n >= 2;
  }
}
