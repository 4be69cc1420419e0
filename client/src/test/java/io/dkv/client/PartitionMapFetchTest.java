package io.dkv.client;

import static io.dkv.client.ScriptedServers.endpoint;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.ClientMessage.Member;
import io.dkv.protocol.ClientMessage.PartitionMapResponse;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A partition map the client cannot use fails the call at once, saying why; it never hangs it. */
class PartitionMapFetchTest {
  /** Long, so that a call that ends within {@link #PROMPT_SECONDS} ended by itself. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(20);
  private static final long PROMPT_SECONDS = 5;

  private final ScriptedServers servers = new ScriptedServers();

  @AfterEach
  void stop() throws Exception {
    servers.close();
  }

  private Throwable putFailureWithMap(byte[] mapBody) throws Exception {
    RpcServer s = servers.serve(RpcServer.builder().handle(Procedure.PARTITION_MAP.id(),
        (ctx, body) -> CompletableFuture.completedFuture(mapBody)));
    try (DkvClient dkv = DkvClient.builder().endpoints(endpoint(s)).routing(Routing.ITERATIVE)
        .requestTimeout(REQUEST_TIMEOUT).build()) {
      dkv.putAsync(new byte[] {'k'}, new byte[] {'v'}).get(PROMPT_SECONDS, TimeUnit.SECONDS);
      throw new AssertionError("the put succeeded");
    } catch (ExecutionException e) {
      return e.getCause();
    }
  }

  @Test
  void aMapThatCannotBeDecodedFailsTheCall() throws Exception {
    Throwable failure = putFailureWithMap(new byte[] {1, 2, 3});
    assertThat(failure).isInstanceOf(DkvException.class).hasMessageContaining("PARTITION_MAP");
  }

  @Test
  void aMapWithAPartitionWithoutReplicasFailsTheCall() throws Exception {
    byte[] map = MessageCodec.encode(new PartitionMapResponse(1,
        List.of(new Member("n1", "127.0.0.1", 7401)), List.of(new int[] {0}, new int[0])));
    Throwable failure = putFailureWithMap(map);
    assertThat(failure).isInstanceOf(DkvException.class).hasMessageContaining("cannot route")
        .hasMessageContaining("the write was not applied");
  }
}
