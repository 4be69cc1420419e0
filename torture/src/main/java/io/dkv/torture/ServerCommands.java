package io.dkv.torture;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The command lines of a run's dkv processes: a founding node ({@code --members}, {@code --voters}),
 * a node that joins through a member ({@code --join}), and {@code dkv cluster remove}. Every node
 * slot has its data directory under {@code DIR/data} and its clock offset file under
 * {@code DIR/clock}, which the server re-reads ({@code --test-clock-offset-file}).
 */
final class ServerCommands {
  /** What a node prints once it serves. */
  static final String READY_LINE = "serving on";

  private final List<String> dkv;
  private final Network network;
  private final int partitions;
  private final Path out;

  /**
   * @param dkv        how to start a dkv process, without a subcommand ({@link TortureConfig#serverCommand})
   * @param partitions the founders' {@code --partitions}; a joining node takes the cluster's
   */
  ServerCommands(List<String> dkv, Network network, int partitions, Path out) {
    this.dkv = List.copyOf(dkv);
    this.network = network;
    this.partitions = partitions;
    this.out = out;
  }

  /** Writes 0 to every node's clock offset file and returns the files, node i's at i. */
  List<Path> createClockOffsets() throws IOException {
    List<Path> offsets = new ArrayList<>();
    for (int node = 0; node < network.nodeCount(); node++) {
      Path offset = clockOffset(node);
      Files.createDirectories(offset.getParent());
      Files.writeString(offset, "0");
      offsets.add(offset);
    }
    return offsets;
  }

  /** A founder: a member of the new cluster from the start. */
  List<String> founder(int node) {
    List<String> command = server(node);
    command.addAll(List.of("--members", network.membersFlag(node), "--voters", network.votersFlag(),
        "--partitions", Integer.toString(partitions)));
    return command;
  }

  /** A node that enters the running cluster through member {@code through}, as that node reaches it. */
  List<String> joiner(int node, int through) {
    List<String> command = server(node);
    command.addAll(List.of("--join", hostPort(network.peerAddress(node, through))));
    return command;
  }

  /** {@code dkv cluster remove}, sent from this (the test's) process to the given members. */
  List<String> remove(int node, List<Integer> through) {
    List<String> command = new ArrayList<>(dkv);
    command.addAll(List.of("cluster", "remove", NodeIds.of(node), "--cluster",
        through.stream().map(m -> hostPort(network.clientAddress(m))).collect(Collectors.joining(","))));
    return command;
  }

  private List<String> server(int node) {
    String id = NodeIds.of(node);
    List<String> command = new ArrayList<>(dkv);
    command.addAll(List.of("server", "--node-id", id, "--listen", hostPort(network.listenAddress(node)),
        "--data", out.resolve("data").resolve(id).toString(),
        "--test-clock-offset-file", clockOffset(node).toString()));
    return command;
  }

  private Path clockOffset(int node) {
    return out.resolve("clock").resolve(NodeIds.of(node) + ".offset-ms");
  }

  static String hostPort(InetSocketAddress a) {
    return a.getHostString() + ":" + a.getPort();
  }
}
