package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.ClientMessage.Member;
import io.dkv.protocol.ClientMessage.StatusResponse;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcException;
import io.dkv.rpc.RpcHandler;
import io.dkv.rpc.RpcServer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** How {@code dkv status} reads its endpoint list: empty parts are skipped, no endpoint is a usage error. */
class StatusCommandTest {
  private static RpcServer serveStatus(RpcHandler handler) throws InterruptedException {
    return RpcServer.builder().listen("127.0.0.1", 0).handle(Procedure.STATUS.id(), handler).build().start();
  }

  private static String endpoint(RpcServer s) {
    return "127.0.0.1:" + s.localAddress().getPort();
  }

  @Test
  void emptyPartsOfTheListAreSkipped() throws Exception {
    RpcServer[] healthy = new RpcServer[1];
    healthy[0] = serveStatus((ctx, body) -> {
      int port = healthy[0].localAddress().getPort();
      return CompletableFuture.completedFuture(MessageCodec.encode(new StatusResponse("n1", 1, 5_000, 8, 0, 0,
          List.of(new Member("n1", "127.0.0.1", port)))));
    });
    try (RpcServer busy = serveStatus((ctx, body) ->
             CompletableFuture.failedFuture(new RpcException(ErrorCode.BUSY, "shutting down")));
         RpcServer ok = healthy[0]) {
      // The first endpoint refuses, so status goes on down the list, past the empty parts.
      Run run = Run.of("status", "--cluster", endpoint(busy) + ",, ," + endpoint(ok) + ",");
      assertThat(run.err()).isEmpty();
      assertThat(run.exitCode()).isEqualTo(Main.OK);
      assertThat(run.out()).startsWith("1/1 nodes up").contains("n1", endpoint(ok));
    }
  }

  @Test
  void aListWithoutEndpointsIsAUsageErrorThatShowsTheExpectedForm() {
    for (String cluster : List.of(",", " , ,", "")) {
      Run run = Run.of("status", "--cluster", cluster);
      assertThat(run.exitCode()).as("--cluster '%s'", cluster).isEqualTo(Main.USAGE);
      assertThat(run.err()).as("--cluster '%s'", cluster)
          .contains("--cluster '" + cluster + "'", "HOST:PORT[,HOST:PORT...]");
    }
  }
}
