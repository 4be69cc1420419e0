package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dkv.protocol.ClientMessage.QuorumWriteRequest;
import io.dkv.protocol.ClientMessage.WriteResponse;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.protocol.QuorumLevel;
import io.dkv.rpc.RpcException;
import io.dkv.rpc.RpcServer;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
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
      assertThat(report.get("warmupOps").asLong()).isZero();
      assertThat(report.get("errors").asLong()).isPositive();
      assertThat(report.get("errorMaxMs").asDouble()).isPositive();
      assertThat(report.get("errorP99Ms").asDouble()).isLessThanOrEqualTo(report.get("errorMaxMs").asDouble());
      assertThat(report.get("firstError").asText()).contains("InvalidRequestException", "value rejected");
    }
  }

  @Test
  void aWriteQuorumSendsEveryPutWithItAndIsReported() throws Exception {
    Set<QuorumLevel> seen = ConcurrentHashMap.newKeySet();
    try (RpcServer server = RpcServer.builder().listen("127.0.0.1", 0)
        .handle(Procedure.PUT_WITH_QUORUM.id(), (ctx, body) -> {
          var req = (QuorumWriteRequest) MessageCodec.decodeRequest(Procedure.PUT_WITH_QUORUM, body);
          seen.add(req.writeQuorum());
          return CompletableFuture.completedFuture(MessageCodec.encode(new WriteResponse(WriteStatus.OK, 1)));
        })
        .build().start()) {
      Run run = Run.of("bench", "--cluster", "127.0.0.1:" + server.localAddress().getPort(), "--ns", "logs",
          "--w", "2", "--duration", "1", "--warmup", "1", "--json");
      assertThat(run.exitCode()).as(run.err()).isEqualTo(Main.OK);
      JsonNode report = new ObjectMapper().readTree(run.out());
      assertThat(report.get("ops").asLong()).isPositive();
      assertThat(report.get("warmupOps").asLong()).as("answered during the warm-up").isPositive();
      assertThat(report.get("namespace").asText()).isEqualTo("logs");
      assertThat(report.get("w").asText()).isEqualTo("2");
      assertThat(seen).containsExactly(QuorumLevel.of(2));
    }
  }
}
