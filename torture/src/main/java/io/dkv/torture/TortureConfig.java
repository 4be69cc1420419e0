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
 * @param livenessLimit  after healing, the time every key gets to become readable and writable and
 *                       every lock to be released
 */
public record TortureConfig(List<String> serverCommand, NetworkKind network, FaultSchedule schedule, int clients,
                            int keys, Path outDir, Duration livenessLimit) {
  public TortureConfig {
    if (serverCommand == null || serverCommand.isEmpty()) {
      throw new IllegalArgumentException("a torture run needs the command that starts a dkv process");
    }
    if (network == null || schedule == null) {
      throw new IllegalArgumentException("a torture run needs a network kind (auto, namespaces or proxies) and a schedule");
    }
    if (clients < 1 || keys < 1) {
      throw new IllegalArgumentException("clients and keys must be at least 1; got " + clients + " clients, " + keys + " keys");
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
