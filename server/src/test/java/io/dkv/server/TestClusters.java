package io.dkv.server;

import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
import io.dkv.core.eventual.EventualConfig;
import io.dkv.core.eventual.HintConfig;
import io.dkv.protocol.ClientMessage;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.LoopbackPorts;
import io.dkv.rpc.RpcClient;
import io.dkv.server.directory.FailureDetection;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Configs, cluster views and client calls for the server's tests. */
final class TestClusters {
  /** A node is never marked down (600 s): the tests that use it stop and restart nodes themselves. */
  static final FailureDetection NEVER_DOWN = new FailureDetection(500, 3_000, 600_000, 2);
  /**
   * No hinted handoff (a handoff delay of 10 minutes) and a write forgotten once answered: a
   * replica that missed a write gets it only from a read repair or anti-entropy.
   */
  static final EventualConfig WITHOUT_HANDOFF = new EventualConfig(200, 60_000, 100_000, 500,
      new HintConfig(600_000, 1, 100_000, 1 << 20, 600_000, 1_000));

  private TestClusters() {}

  /** A free port on 127.0.0.1 that no outgoing connection can take before its node binds it. */
  static int freePort() {
    return LoopbackPorts.next();
  }

  /** A one-node cluster: n1 on any port, the directory's only voter on a free port. */
  /** {@link #callRaw} with {@code request} encoded. */
  static ClientMessage call(RpcClient rpc, InetSocketAddress node, Procedure p, ClientMessage request,
                            Duration deadline) throws Exception {
    return callRaw(rpc, node, p, MessageCodec.encode(request), deadline);
  }

  /**
   * One client request as a client sends it: {@code body} to {@code node} with {@code deadline},
   * its answer decoded. An error answer is thrown as it came (an RpcException with its code).
   */
  static ClientMessage callRaw(RpcClient rpc, InetSocketAddress node, Procedure p, byte[] body,
                               Duration deadline) throws Exception {
    try {
      // The RPC client fails the call at its deadline; the extra 5 s only keep a bug from hanging.
      return MessageCodec.decodeResponse(p, rpc.call(node, p.id(), body, deadline)
          .get(deadline.toMillis() + 5_000, TimeUnit.MILLISECONDS));
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  static NodeConfig singleNode(Path dir) {
    return NodeConfig.of("n1", MemberAddress.parseHostPort("listen", "127.0.0.1:0"), dir,
        MemberAddress.parseList("n1@127.0.0.1:1"), List.of(new MemberAddress("n1", "127.0.0.1", freePort())));
  }

  /**
   * A one-node cluster whose member list has n1's real address, so that other nodes (a joining
   * one) reach it: n1 on a free port, the directory's only voter on another.
   */
  static NodeConfig reachableSingleNode(Path dir) {
    int port = freePort();
    return NodeConfig.of("n1", new MemberAddress.HostPort("127.0.0.1", port), dir,
        List.of(new MemberAddress("n1", "127.0.0.1", port)),
        List.of(new MemberAddress("n1", "127.0.0.1", freePort())));
  }

  /** The view a node has of a new cluster of {@code members}, as the directory initializes it. */
  static Cluster cluster(List<MemberAddress> members, int partitions, int replication) {
    DirectoryState.Transition t = DirectoryState.initial(partitions, replication)
        .apply(new DirectoryCommand.Initialize(members.stream()
            .map(m -> new DirectoryCommand.Join(m.nodeId(), m.host() + ":" + m.port())).toList(),
            partitions, replication));
    if (!(t.result() instanceof CommandResult.Accepted)) {
      throw new IllegalArgumentException("members refused: " + t.result());
    }
    return new Cluster(t.state());
  }
}
