package io.dkv.client;

import io.dkv.protocol.ClientMessage.Member;
import io.dkv.protocol.ClientMessage.PartitionMapResponse;
import io.dkv.protocol.ClientMessage.WriteResponse;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.MessageCodec;
import io.dkv.rpc.RpcHandler;
import io.dkv.rpc.RpcServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Real RPC servers with scripted handlers for client tests; closes them all at the end. */
final class ScriptedServers implements AutoCloseable {
  private final List<AutoCloseable> open = new ArrayList<>();

  RpcServer serve(RpcServer.Builder b) throws InterruptedException {
    RpcServer s = b.listen("127.0.0.1", 0).build().start();
    open.add(s);
    return s;
  }

  /**
   * A listening socket that never accepts: connections complete in the kernel's backlog and then
   * nothing is ever read or answered, as with a stopped (SIGSTOP) process.
   */
  String blackHole() throws IOException {
    ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
    open.add(socket);
    return "127.0.0.1:" + socket.getLocalPort();
  }

  /** An address nothing listens on: connections are refused. */
  static String closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return "127.0.0.1:" + socket.getLocalPort();
    }
  }

  static String endpoint(RpcServer s) {
    return "127.0.0.1:" + s.localAddress().getPort();
  }

  /** A handler whose reply never comes. */
  static RpcHandler neverAnswers() {
    return (ctx, body) -> new CompletableFuture<>();
  }

  static CompletableFuture<byte[]> written(long version) {
    return CompletableFuture.completedFuture(MessageCodec.encode(new WriteResponse(WriteStatus.OK, version)));
  }

  /** A partition map of {@code partitions} partitions, all on the one member at {@code self}. */
  static byte[] mapOnto(InetSocketAddress self, long epoch, int partitions) {
    List<int[]> replicas = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      replicas.add(new int[] {0});
    }
    return MessageCodec.encode(new PartitionMapResponse(epoch,
        List.of(new Member("n1", self.getHostString(), self.getPort())), replicas));
  }

  @Override
  public void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }
}
