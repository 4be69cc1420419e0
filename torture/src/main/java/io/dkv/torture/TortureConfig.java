package io.dkv.torture;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * One torture run.
 *
 * @param serverCommand  how to start a dkv process, without the {@code server} subcommand and its
 *                       flags, e.g. {@code [java, -cp, dkv.jar, io.dkv.cli.Main]}
 * @param schedule       the faults, and with them the node count, the run's length and the seed
 *                       (which also seeds the clients' choices)
 * @param partitions     Q, the cluster's partition count ({@code dkv server --partitions}); a join or
 *                       removal moves about Q x RF / n partition replicas, one directory command each
 * @param livenessLimit  after healing, the time every key gets to become readable and writable,
 *                       every lock to be released and every join and removal to finish
 */
public record TortureConfig(List<String> serverCommand, NetworkKind network, FaultSchedule schedule, int clients,
                            int keys, int partitions, Path outDir, Duration livenessLimit) {
  /** The server's default Q. */
  public static final int DEFAULT_PARTITIONS = 256;

  public TortureConfig {
    if (serverCommand == null || serverCommand.isEmpty()) {
      throw new IllegalArgumentException("a torture run needs the command that starts a dkv process");
    }
    if (network == null || schedule == null) {
      throw new IllegalArgumentException("a torture run needs a network kind (auto, namespaces or proxies) and a schedule");
    }
    if (clients < 1 || keys < 1 || partitions < 1) {
      throw new IllegalArgumentException("clients, keys and partitions must be at least 1; got " + clients
          + " clients, " + keys + " keys, " + partitions + " partitions");
    }
    if (livenessLimit.isNegative() || livenessLimit.isZero()) {
      throw new IllegalArgumentException("the liveness limit must be positive, got " + livenessLimit);
    }
    serverCommand = List.copyOf(serverCommand);
  }

  public int nodes() {
    return schedule.nodeCount();
  }

  public long seed() {
    return schedule.seed();
  }
}
