package io.dkv.server;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.WriteRequest;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import io.dkv.rpc.RpcException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DkvNodeTest {
  @TempDir
  Path dir;

  @Test
  void whenTheDiskFailsTheWriteIsOutcomeUnknownAndFailureListenersRunOffTheNodesThreads()
      throws Exception {
    FailingStorage storage = new FailingStorage();
    NodeConfig config = TestClusters.singleNode(dir);
    try (DkvNode node = DkvNode.start(config, storage);
         RpcClient client = RpcClient.builder().build()) {
      CompletableFuture<String> listenerThread = new CompletableFuture<>();
      node.failure().thenRun(() -> listenerThread.complete(Thread.currentThread().getName()));
      storage.failSyncs();

      // The participant's PREPARED record needs a sync before the vote leaves: it fails.
      CompletableFuture<byte[]> put = client.call(node.address(), Procedure.PUT.id(),
          MessageCodec.encode(new WriteRequest("default", Bytes.utf8("k"),
              new Mutation.Put(Bytes.utf8("v")), 0)), Duration.ofSeconds(10));

      assertThat(node.failure().get(10, SECONDS)).hasMessageContaining("fsync failed");
      assertThat(listenerThread.get(10, SECONDS))
          .doesNotStartWith("dkv-core-").doesNotStartWith("dkv-sync-");
      assertThatThrownBy(() -> put.get(10, SECONDS)).isInstanceOf(ExecutionException.class)
          .cause().isInstanceOfSatisfying(RpcException.class,
              e -> assertThat(e.code()).isEqualTo(ErrorCode.TIMEOUT))
          .hasMessageContaining("outcome is unknown");
    }
  }
}
