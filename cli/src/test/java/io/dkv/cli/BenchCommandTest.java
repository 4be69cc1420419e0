package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcException;
import io.dkv.rpc.RpcServer;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
  @Test
  void failedRequestsAreCountedTimedAndDescribed() throws Exception {
    try (RpcServer server = RpcServer.builder().listen("127.0.0.1", 0)
        .handle(Procedure.PUT.id(), (ctx, body) ->
            CompletableFuture.failedFuture(new RpcException(ErrorCode.INVALID_ARGUMENT, "value rejected")))
        .build().start()) {
      Run run = Run.of("bench", "--cluster", "127.0.0.1:" + server.localAddress().getPort(),
          "--duration", "1", "--warmup", "0", "--json");
      assertThat(run.exitCode()).isEqualTo(Main.UNAVAILABLE);
      JsonNode report = new ObjectMapper().readTree(run.out());
      assertThat(report.get("ops").asLong()).isZero();
      assertThat(report.get("errors").asLong()).isPositive();
      assertThat(report.get("errorMaxMs").asDouble()).isPositive();
      assertThat(report.get("errorP99Ms").asDouble()).isLessThanOrEqualTo(report.get("errorMaxMs").asDouble());
      assertThat(report.get("firstError").asText()).contains("InvalidRequestException", "value rejected");
    }
  }
}
