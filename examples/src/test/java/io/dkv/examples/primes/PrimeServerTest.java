package io.dkv.examples.primes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.protocol.ErrorCode;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The example end to end over real sockets on loopback. */
class PrimeServerTest {
  private PrimeServer server;
  private PrimeClient client;

  @BeforeEach
  void start() throws Exception {
    server = new PrimeServer(new SievePrimeService(), "127.0.0.1", 0).start();
    client = new PrimeClient(server.localAddress(), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  @Test
  void ithPrimeOverTheWire() {
    assertThat(client.ithPrime(0)).isEqualTo(2);
    assertThat(client.ithPrime(1)).isEqualTo(3);
    assertThat(client.ithPrime(9)).isEqualTo(29);
    assertThat(client.ithPrime(9_999)).isEqualTo(104_729);
  }

  @Test
  void isCoprimeOverTheWire() {
    assertThat(client.isCoprime(8, 9)).isTrue();
    assertThat(client.isCoprime(6, 9)).isFalse();
    assertThat(client.isCoprime(0xFFFF_FFFFL, 0xFFFF_FFFEL)).isTrue();
    assertThat(client.isCoprime(0, 0)).isFalse();
  }

  @Test
  void indexBeyondTheLimitIsInvalidArgument() {
    assertThatThrownBy(() -> client.ithPrime(SievePrimeService.MAX_INDEX))
        .isInstanceOfSatisfying(RpcException.class, e -> {
          assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
          assertThat(e.getMessage()).contains("i < 10000000");
        });
    // The connection is still fine.
    assertThat(client.ithPrime(2)).isEqualTo(5);
  }

  @Test
  void argumentsThatAreNotU32AreRejectedBeforeSending() {
    assertThatThrownBy(() -> client.ithPrime(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("u32");
    assertThatThrownBy(() -> client.isCoprime(1, 1L << 32))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("y must be a u32");
  }

  @Test
  void bodyOfTheWrongLengthGetsAnErrorReply() {
    try (RpcClient raw = RpcClient.builder().build()) {
      assertThatThrownBy(() -> raw.call(server.localAddress(), PrimeWire.ITH_PRIME,
          new byte[3], Duration.ofSeconds(10)).join())
          .isInstanceOf(CompletionException.class)
          .cause()
          .isInstanceOfSatisfying(RpcException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_FRAME);
            assertThat(e.getMessage()).isEqualTo("ith_prime takes 1 u32 (4 bytes), got 3 bytes");
          });
      assertThatThrownBy(() -> raw.call(server.localAddress(), PrimeWire.IS_COPRIME,
          new byte[4], Duration.ofSeconds(10)).join())
          .cause()
          .isInstanceOfSatisfying(RpcException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.MALFORMED_FRAME));
    }
    // Other connections are unaffected.
    assertThat(client.isCoprime(3, 5)).isTrue();
  }

  @Test
  void commandLineClient() {
    String port = Integer.toString(server.localAddress().getPort());
    assertThat(run("client", "127.0.0.1", port, "ith_prime", "10")).isEqualTo("0:31");
    assertThat(run("client", "127.0.0.1", port, "is_coprime", "14", "21")).isEqualTo("0:false");
    assertThat(run("client", "127.0.0.1", port, "ith_prime", "20000000"))
        .startsWith("1:").contains("INVALID_ARGUMENT");
    assertThat(run("client", "127.0.0.1", port, "ith_prime")).startsWith("2:");
    assertThat(run("client", "127.0.0.1", port, "ith_prime", "x")).startsWith("2:");
  }

  /** Exit code, a colon, then stdout (or stderr when it failed), trimmed. */
  private static String run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = PrimeMain.runClient(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    String text = (code == 0 ? out : err).toString(StandardCharsets.UTF_8).trim();
    return code + ":" + text;
  }
}
