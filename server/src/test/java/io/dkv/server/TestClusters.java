package io.dkv.server;

import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;

/** Configs and cluster views for tests of one node. */
final class TestClusters {
  private TestClusters() {}

  /** A port no one listened on a moment ago (the usual small race with other programs). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A one-node cluster: n1 on any port, the directory's only voter on a free port. */
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
