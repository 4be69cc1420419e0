package io.dkv.server;

import static io.dkv.server.RpcAssertions.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage;
import io.dkv.protocol.ClientMessage.CopiedKey;
import io.dkv.protocol.ClientMessage.CopyRequest;
import io.dkv.protocol.ClientMessage.CopyResponse;
import io.dkv.protocol.ClientMessage.CreateNamespaceRequest;
import io.dkv.protocol.ClientMessage.MemberMoves;
import io.dkv.protocol.ClientMessage.MoveStatusRequest;
import io.dkv.protocol.ClientMessage.MoveStatusResponse;
import io.dkv.protocol.ClientMessage.NamespaceInfo;
import io.dkv.protocol.ClientMessage.NamespaceMode;
import io.dkv.protocol.ClientMessage.WriteRequest;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcClient;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A partition move carries eventual values: a node that joins a one-node cluster becomes a replica
 * of every partition (RF 3 on two members) and holds, once promoted, every value and tombstone
 * the first node held. Each node's store is read through COPY_EVENTUAL, which pages through it.
 */
class EventualMoveTest {
  private static final int KEYS = 300;
  private static final List<Integer> ALL_PARTITIONS = IntStream.range(0, 256).boxed().toList();

  @TempDir
  Path dir;

  private final RpcClient rpc = RpcClient.builder().build();

  @AfterEach
  void stop() {
    rpc.close();
  }

  private ClientMessage call(InetSocketAddress node, Procedure p, ClientMessage request) throws Exception {
    return TestClusters.call(rpc, node, p, request, Duration.ofSeconds(10));
  }

  /** Every eventual record {@code node} holds, by storage key, read page by page (small pages). */
  private Map<Bytes, Bytes> stored(InetSocketAddress node) throws Exception {
    Map<Bytes, Bytes> all = new LinkedHashMap<>();
    Bytes after = Bytes.EMPTY;
    while (true) {
      var page = (CopyResponse) call(node, Procedure.COPY_EVENTUAL, new CopyRequest(0, ALL_PARTITIONS, after, 64));
      for (CopiedKey e : page.entries()) {
        assertThat(all.put(e.key(), e.record())).as("each record once").isNull();
      }
      if (page.done()) {
        return all;
      }
      after = page.next();
    }
  }

  private void write(InetSocketAddress node, String key, Mutation m) throws Exception {
    call(node, m instanceof Mutation.Delete ? Procedure.DELETE : Procedure.PUT,
        new WriteRequest("logs", Bytes.utf8(key), m, 0));
  }

  @Test
  void aJoiningNodeCopiesEveryEventualValueAndTombstoneBeforeItIsPromoted() throws Exception {
    try (DkvNode n1 = DkvNode.start(TestClusters.reachableSingleNode(dir.resolve("n1")))) {
      InetSocketAddress a = n1.address();
      call(a, Procedure.CREATE_NAMESPACE,
          new CreateNamespaceRequest(new NamespaceInfo("logs", NamespaceMode.EVENTUAL, 1, 1, 1)));
      for (int i = 0; i < KEYS; i++) {
        write(a, "k" + i, new Mutation.Put(Bytes.utf8("v" + i)));
      }
      for (int i = 0; i < KEYS; i += 10) {
        write(a, "k" + i, new Mutation.Delete()); // tombstones move too
      }
      Map<Bytes, Bytes> before = stored(a);
      assertThat(before).hasSize(KEYS);

      var via = new MemberAddress.HostPort("127.0.0.1", a.getPort());
      var listen = new MemberAddress.HostPort("127.0.0.1", TestClusters.freePort());
      try (DkvNode n2 = DkvNode.start(NodeConfig.joining("n2", listen, dir.resolve("n2"), via))) {
        awaitEveryPartitionOn(n2.address(), "n2"); // as n2 knows it: it answers COPY_EVENTUAL by its view
        Map<Bytes, Bytes> copied = stored(n2.address());
        assertThat(copied.size()).as("records n2 holds").isEqualTo(KEYS);
        assertThat(copied).isEqualTo(before);
      }
      assertRefused(() -> call(a, Procedure.COPY_EVENTUAL, new CopyRequest(0, List.of(256), Bytes.EMPTY, 10)),
          ErrorCode.INVALID_ARGUMENT, "partition 256 does not exist; partitions are 0..255");
    }
  }

  /** Polls the moves as {@code via} knows them until {@code node} holds every partition, moving none. */
  private void awaitEveryPartitionOn(InetSocketAddress via, String node) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    List<MemberMoves> last = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      var moves = (MoveStatusResponse) call(via, Procedure.MOVE_STATUS, new MoveStatusRequest());
      last = moves.members();
      if (moves.movesInProgress() == 0 && last.stream().anyMatch(m -> m.nodeId().equals(node)
          && m.partitions() == ALL_PARTITIONS.size())) {
        return;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100)); // the poll period
    }
    throw new AssertionError(node + " did not get every partition within 60 s: " + last);
  }
}
