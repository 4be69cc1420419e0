package io.dkv.cli;

import io.dkv.server.ConfigException;
import io.dkv.server.DkvNode;
import io.dkv.server.MemberAddress;
import io.dkv.server.NodeClock;
import io.dkv.server.NodeConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "server", description = "Run one dkv node until SIGTERM or Ctrl-C.")
final class ServerCommand implements Callable<Integer> {

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--config", paramLabel = "FILE", description = "A properties file "
        + "(node-id, listen, data, and members and voters or join; optional partitions, replication, "
        + "max-key-bytes, max-value-bytes, request-timeout-ms, heartbeat-ms, lease-ms, down-after-ms, "
        + "min-replicas).")
    Path config;

    @ArgGroup(exclusive = false)
    Flags flags;
  }

  static final class Flags {
    @Option(names = "--node-id", required = true, paramLabel = "ID", description = "This node's id.")
    String nodeId;

    @Option(names = "--listen", required = true, paramLabel = "HOST:PORT", description = "Address to serve on.")
    String listen;

    @Option(names = "--data", required = true, paramLabel = "DIR", description = "Data directory (RocksDB).")
    Path data;

    @Option(names = "--members", paramLabel = "ID@HOST:PORT,...",
        description = "The nodes of a new cluster, this one included (its first members).")
    String members;

    @Option(names = "--voters", paramLabel = "ID@HOST:PORT,...",
        description = "The directory's Raft voters: 1, 3 or 5 of the members, each with its Raft "
            + "address (not its dkv address). The same list on every node.")
    String voters;

    @Option(names = "--join", paramLabel = "HOST:PORT",
        description = "Join a running cluster through the member serving at HOST:PORT, instead of "
            + "--members and --voters. The same command restarts the node.")
    String join;

    @Option(names = "--partitions", paramLabel = "Q",
        description = "Partitions of a new cluster's hash ring; equal on every node (default "
            + NodeConfig.DEFAULT_PARTITIONS + "; a joining node takes the cluster's).")
    Integer partitions;

    @Option(names = "--replication", paramLabel = "N",
        description = "Replicas per partition of a new cluster, capped at the member count (default "
            + NodeConfig.DEFAULT_REPLICATION + "; a joining node takes the cluster's).")
    Integer replication;

    @Option(names = "--heartbeat-ms", paramLabel = "MS", defaultValue = "500",
        description = "How often this node sends a heartbeat to the directory (default ${DEFAULT-VALUE}).")
    long heartbeatMillis;

    @Option(names = "--lease-ms", paramLabel = "MS", defaultValue = "3000",
        description = "How long after an acknowledged heartbeat this node serves strong reads "
            + "(default ${DEFAULT-VALUE}).")
    long leaseMillis;

    @Option(names = "--down-after-ms", paramLabel = "MS", defaultValue = "5000",
        description = "Silence after which the directory marks a node down and then evicts it from "
            + "its partitions; longer than the lease (default ${DEFAULT-VALUE}).")
    long downAfterMillis;

    @Option(names = "--repair-interval-ms", paramLabel = "MS", defaultValue = "600000",
        description = "How often this node repairs the eventual namespaces' partitions it replicates with "
            + "their other replicas and purges old tombstones (default ${DEFAULT-VALUE}, 10 minutes).")
    long repairIntervalMillis;

    @Option(names = "--tombstone-grace-ms", paramLabel = "MS", defaultValue = "3600000",
        description = "A delete's tombstone is kept at least this long, and this long after every replica "
            + "holds it; more than 1810000, a hint's life (default ${DEFAULT-VALUE}, 1 hour).")
    long tombstoneGraceMillis;

    @Option(names = "--min-replicas", paramLabel = "N", defaultValue = "2",
        description = "The fewest replicas a partition keeps when a down node is evicted "
            + "(default ${DEFAULT-VALUE}).")
    int minReplicas;
  }

  @Option(names = "--test-clock-offset-file", hidden = true, paramLabel = "FILE",
      description = "Fault injection only: offset this node's clock by the milliseconds in FILE, re-read every 100 ms.")
  Path clockOffsetFile;

  @Override
  public Integer call() throws Exception {
    NodeConfig config = source.config != null ? NodeConfig.load(source.config) : fromFlags(source.flags);
    if (clockOffsetFile != null) {
      NodeClock.watchOffsetFile(clockOffsetFile);
    }
    DkvNode node;
    try {
      node = DkvNode.start(config);
    } catch (ConfigException e) {
      throw e;
    } catch (Exception e) {
      System.err.println("dkv server: cannot start node " + config.nodeId() + ": " + e.getMessage());
      return Main.UNAVAILABLE;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      stopped.countDown();
    }, "dkv-shutdown"));
    System.out.println("dkv node " + config.nodeId() + " serving on " + node.address().getHostString()
        + ":" + node.address().getPort());
    System.out.flush();
    Throwable failure = node.failure().join(); // returns only when the node fails
    System.err.println("dkv server: node " + config.nodeId() + " failed and stops: " + failure);
    node.close();
    return Main.UNAVAILABLE;
  }

  static NodeConfig fromFlags(Flags f) {
    if (f.join != null && f.partitions != null) {
      throw NodeConfig.newClusterOnly("--partitions");
    }
    if (f.join != null && f.replication != null) {
      throw NodeConfig.newClusterOnly("--replication");
    }
    return new NodeConfig(f.nodeId, MemberAddress.parseHostPort("--listen", f.listen),
        f.data.toAbsolutePath(),
        f.members == null ? List.of() : MemberAddress.parseList(f.members),
        f.voters == null ? List.of() : MemberAddress.parseList("voter list", f.voters),
        f.partitions == null ? NodeConfig.DEFAULT_PARTITIONS : f.partitions,
        f.replication == null ? NodeConfig.DEFAULT_REPLICATION : f.replication,
        NodeConfig.DEFAULT_MAX_KEY_BYTES, NodeConfig.DEFAULT_MAX_VALUE_BYTES,
        NodeConfig.DEFAULT_REQUEST_TIMEOUT_MILLIS, NodeConfig.failureDetection(f.heartbeatMillis,
            f.leaseMillis, f.downAfterMillis, f.minReplicas),
        f.join == null ? null : MemberAddress.parseHostPort("--join", f.join), f.repairIntervalMillis,
        f.tombstoneGraceMillis);
  }
}
