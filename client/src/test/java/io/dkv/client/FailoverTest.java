package io.dkv.client;

import static io.dkv.client.ScriptedServers.endpoint;
import static io.dkv.client.ScriptedServers.mapOnto;
import static io.dkv.client.ScriptedServers.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcServer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A node that hangs (accepts the connection, or even the request, and never answers) costs a call
 * one attempt timeout, not its whole request timeout: the next attempt goes to another endpoint.
 */
class FailoverTest {
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration ATTEMPT_TIMEOUT = Duration.ofMillis(300);

  private final ScriptedServers servers = new ScriptedServers();
  private final AtomicInteger healthyPuts = new AtomicInteger();

  @AfterEach
  void stop() throws Exception {
    servers.close();
  }

  private String healthy() throws InterruptedException {
    RpcServer[] self = new RpcServer[1];
    self[0] = servers.serve(RpcServer.builder()
        .handle(Procedure.PARTITION_MAP.id(), (ctx, body) ->
            CompletableFuture.completedFuture(mapOnto(self[0].localAddress(), 1, 8)))
        .handle(Procedure.PUT.id(), (ctx, body) -> written(healthyPuts.incrementAndGet())));
    return endpoint(self[0]);
  }

  /** A node that takes every call of {@code procedure}, counts it in {@code calls} and never answers. */
  private String hung(Procedure procedure, AtomicInteger calls) throws InterruptedException {
    return endpoint(servers.serve(RpcServer.builder().handle(procedure.id(), (ctx, body) -> {
      calls.incrementAndGet();
      return new CompletableFuture<>();
    })));
  }

  /** Puts once and says how long it took; the first attempt goes to the first endpoint. */
  private static long putMillis(String endpoints, Routing routing) {
    try (DkvClient dkv = DkvClient.builder().endpoints(endpoints).routing(routing)
        .requestTimeout(REQUEST_TIMEOUT).attemptTimeout(ATTEMPT_TIMEOUT).build()) {
      long start = System.nanoTime();
      assertThat(dkv.put("k", "v")).isPositive();
      return (System.nanoTime() - start) / 1_000_000;
    }
  }

  /** Recursive routing sends the put to the first endpoint; iterative asks it for the map first. */
  @ParameterizedTest(name = "{1} routing, the first node hangs on {0}")
  @CsvSource({"PUT, RECURSIVE", "PARTITION_MAP, ITERATIVE"})
  void aNodeThatTakesTheRequestAndNeverAnswersIsFailedOver(Procedure hangsOn, Routing routing) throws Exception {
    AtomicInteger hungCalls = new AtomicInteger();
    long millis = putMillis(hung(hangsOn, hungCalls) + "," + healthy(), routing);
    assertThat(hungCalls).hasValue(1);
    assertThat(healthyPuts).hasValue(1);
    assertThat(millis).isLessThan(REQUEST_TIMEOUT.toMillis() / 2);
  }

  @Test
  void aNodeWhoseConnectionsAreNeverServedIsFailedOver() throws Exception {
    long millis = putMillis(servers.blackHole() + "," + healthy(), Routing.RECURSIVE);
    assertThat(healthyPuts).hasValue(1);
    assertThat(millis).isLessThan(REQUEST_TIMEOUT.toMillis() / 2);
  }

  @Test
  void theAttemptTimeoutMustBePositiveAndWithinTheRequestTimeout() throws Exception {
    DkvClient.Builder b = DkvClient.builder().endpoints(healthy());
    assertThatThrownBy(() -> b.attemptTimeout(Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("attempt timeout must be positive");
    assertThatThrownBy(() -> b.attemptTimeout(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
    b.requestTimeout(Duration.ofSeconds(1)).attemptTimeout(Duration.ofSeconds(2));
    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not exceed the request timeout");
  }

  @Test
  void aRequestTimeoutShorterThanTheDefaultAttemptTimeoutIsAccepted() throws Exception {
    try (DkvClient dkv = DkvClient.builder().endpoints(healthy()).requestTimeout(Duration.ofMillis(900)).build()) {
      assertThat(dkv.put("k", "v")).isEqualTo(1);
    }
  }
}
