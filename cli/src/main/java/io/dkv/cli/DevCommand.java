package io.dkv.cli;

import io.dkv.client.DkvClient;
import io.dkv.client.DkvException;
import io.dkv.torture.NodeIds;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "dev", description = "Run a local cluster: N server processes on 127.0.0.1, "
    + "until Ctrl-C or SIGTERM. A second run reuses the data. If a node crashes, stops the others "
    + "and exits with code 3.")
final class DevCommand implements Callable<Integer> {
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  @Option(names = "--nodes", defaultValue = "3", description = "How many nodes (default ${DEFAULT-VALUE}).")
  int nodes;

  @Option(names = "--dir", defaultValue = "data/dev", description = "Data and logs (default ${DEFAULT-VALUE}).")
  Path dir;

  /** A directory voter's Raft port is its dkv port plus this. */
  static final int RAFT_PORT_OFFSET = 100;

  @Option(names = "--base-port", defaultValue = "7400",
      description = "Node i listens on base-port + i (default ${DEFAULT-VALUE}: 7401, 7402, ...);"
          + " the directory's voters (n1, or n1-n3 from 3 nodes on) also on base-port + 100 + i.")
  int basePort;

  @Option(names = "--heap", defaultValue = "1g", paramLabel = "SIZE",
      description = "Java heap of each server, fixed and touched at start (-Xms = -Xmx, "
          + "-XX:+AlwaysPreTouch), like 512m or 2g, from 256m to 64g (default ${DEFAULT-VALUE}).")
  String heap;

  @Override
  public Integer call() throws Exception {
    List<String> serverJvm = ServerHeap.jvmOptions(heap);
    if (nodes < 1 || nodes > 32) {
      throw new IllegalArgumentException("--nodes must be 1..32, got " + nodes);
    }
    if (basePort < 1 || basePort + RAFT_PORT_OFFSET + nodes > 65535) {
      throw new IllegalArgumentException("--base-port " + basePort + " leaves no room for " + nodes
          + " ports and their Raft ports (+" + RAFT_PORT_OFFSET + ") below 65536");
    }
    List<String> members = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      members.add("n" + i + "@127.0.0.1:" + (basePort + i));
    }
    List<String> voters = voters(nodes, basePort);
    String memberList = String.join(",", members);
    Files.createDirectories(dir);
    DevNodes servers = new DevNodes();
    Runtime.getRuntime().addShutdownHook(new Thread(servers::stopAll, "dkv-dev-stop"));
    for (int i = 1; i <= nodes; i++) {
      Path log = dir.resolve("n" + i + ".log");
      ProcessBuilder pb = new ProcessBuilder(javaCommand(serverJvm, "server", "--node-id", "n" + i,
          "--listen", "127.0.0.1:" + (basePort + i), "--data", dir.resolve("n" + i).toString(),
          "--members", memberList, "--voters", String.join(",", voters)))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
      servers.start("n" + i, pb);
    }
    String endpoints = String.join(",", members.stream().map(m -> m.substring(m.indexOf('@') + 1)).toList());
    awaitServing(servers.nodes(), endpoints);
    System.out.println("dkv dev cluster: " + nodes + " nodes, data and logs in " + dir.toAbsolutePath());
    for (String m : members) {
      System.out.println("  " + m);
    }
    // The data commands default to 127.0.0.1:7401, which is node 1 only with the default base port.
    String cluster = basePort == 7400 ? "" : " --cluster " + endpoints;
    System.out.println("Try:");
    System.out.println("  ./dkv put greeting hello" + cluster);
    System.out.println("  ./dkv get greeting" + cluster);
    System.out.println("  ./dkv status --cluster " + endpoints);
    System.out.println("Ctrl-C stops the cluster.");
    return awaitNodes(servers, System.err);
  }

  /**
   * The directory's voters of a dev cluster of {@code nodes}, each at its Raft port: n1 alone, or
   * n1 to n3 from 3 nodes on (a majority of 3 survives one voter down).
   */
  static List<String> voters(int nodes, int basePort) {
    List<String> voters = new ArrayList<>();
    for (int i = 1; i <= NodeIds.voterCount(nodes); i++) {
      voters.add("n" + i + "@127.0.0.1:" + (basePort + RAFT_PORT_OFFSET + i));
    }
    return voters;
  }

  /**
   * Waits for the nodes. When one crashes (exits on its own rather than by Ctrl-C or SIGTERM),
   * says which and stops the others: exit code 3. Otherwise exit code 0.
   */
  int awaitNodes(DevNodes servers, PrintStream err) throws InterruptedException {
    Optional<DevNodes.Crash> crash = servers.awaitCrash();
    if (crash.isEmpty()) {
      return Main.OK;
    }
    String node = crash.get().name();
    err.println("dkv dev: node " + node + " exited on its own with code " + crash.get().exitCode()
        + "; see " + dir.resolve(node + ".log") + ". Stopping the other nodes.");
    servers.stopAll();
    return Main.UNAVAILABLE;
  }

  private void awaitServing(List<DevNodes.Node> started, String endpoints) throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    try (DkvClient probe = DkvClient.builder().endpoints(endpoints)
        .requestTimeout(Duration.ofSeconds(1)).build()) {
      for (int i = 0; i < started.size(); i++) {
        InetSocketAddress a = new InetSocketAddress("127.0.0.1", basePort + i + 1);
        while (true) {
          if (!started.get(i).process().isAlive()) {
            throw new IllegalStateException("node n" + (i + 1) + " exited during start-up; see "
                + dir.resolve("n" + (i + 1) + ".log"));
          }
          try {
            probe.status(a);
            break;
          } catch (DkvException e) {
            if (System.nanoTime() > deadline) {
              throw new IllegalStateException("node n" + (i + 1) + " did not serve within "
                  + START_TIMEOUT.toSeconds() + " s; see " + dir.resolve("n" + (i + 1) + ".log"));
            }
            started.get(i).process().waitFor(100, TimeUnit.MILLISECONDS); // poll interval, ends early if it dies
          }
        }
      }
    }
  }

  /** The command that runs this same dkv build with other arguments, in a new JVM. */
  static List<String> javaCommand(String... args) throws IOException {
    return javaCommand(List.of(), args);
  }

  /** {@link #javaCommand(String...)} with extra JVM options, such as {@link ServerHeap}'s. */
  static List<String> javaCommand(List<String> jvmOptions, String... args) throws IOException {
    String classPath = System.getProperty("java.class.path", "");
    if (classPath.isEmpty()) {
      throw new IOException("cannot find dkv's own class path to start the servers from");
    }
    String java = ProcessHandle.current().info().command().orElse(
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> cmd = new ArrayList<>(List.of(java, "-XX:+UseZGC", "--enable-native-access=ALL-UNNAMED"));
    if (Runtime.version().feature() >= 24) {
      // The Netty and Protobuf copies inside Apache Ratis still use sun.misc.Unsafe, which these
      // JDKs warn about on every start unless told.
      cmd.add("--sun-misc-unsafe-memory-access=allow");
    }
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", classPath, Main.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }
}
