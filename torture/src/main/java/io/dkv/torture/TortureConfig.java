package io.dkv.torture;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One torture run.
 *
 * @param serverCommand  how to start a dkv process, without the {@code server} subcommand and its
 *                       flags, e.g. {@code [java, -cp, dkv.jar, io.dkv.cli.Main]}
 * @param faultTime      how long faults are injected while the clients run
 * @param livenessLimit  after healing, the time every key gets to become readable and writable and
 *                       every lock to be released
 */
public record TortureConfig(List<String> serverCommand, NetworkKind network, int nodes, int clients, int keys,
                            Duration faultTime, Set<FaultKind> faults, long seed, Path outDir, Duration livenessLimit) {
  public TortureConfig {
    if (serverCommand == null || serverCommand.isEmpty()) {
      throw new IllegalArgumentException("a torture run needs the command that starts a dkv process");
    }
    if (nodes < 1 || nodes > NodeIds.MAX_NODES || clients < 1 || keys < 1) {
      throw new IllegalArgumentException("nodes must be 1.." + NodeIds.MAX_NODES + " and clients and keys at least 1; got "
          + nodes + " nodes, " + clients + " clients, " + keys + " keys");
    }
    if (faultTime.isNegative() || faultTime.isZero() || livenessLimit.isNegative() || livenessLimit.isZero()) {
      throw new IllegalArgumentException("the fault time and the liveness limit must be positive, got "
          + faultTime + " and " + livenessLimit);
    }
    if (network == null) {
      throw new IllegalArgumentException("a torture run needs a network kind (auto, namespaces or proxies)");
    }
    serverCommand = List.copyOf(serverCommand);
    faults = Set.copyOf(faults);
  }
}
