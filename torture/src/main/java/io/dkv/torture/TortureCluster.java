package io.dkv.torture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster a torture run plays its schedule on, whatever it checks: the schedule written to
 * {@code schedule.txt}, the {@link Network}, the founding servers started in it, the views of the
 * directory, the membership changes and the {@link FaultInjector}. {@link #close()} stops and
 * removes all of it, newest first.
 */
final class TortureCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TortureCluster.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  final Network network;
  final ProcessNemesis processes;
  final NodeViews views;
  final MembershipChanges membership;
  final FaultInjector injector;

  private TortureCluster(Network network, ProcessNemesis processes, NodeViews views, MembershipChanges membership,
                         FaultInjector injector) {
    this.network = network;
    this.processes = processes;
    this.views = views;
    this.membership = membership;
    this.injector = injector;
  }

  /** Writes the schedule, builds the network and starts the founders; returns once they all serve. */
  static TortureCluster start(TortureConfig config) throws IOException {
    Path out = config.outDir();
    Files.createDirectories(out);
    FaultSchedule schedule = config.schedule();
    Files.writeString(out.resolve("schedule.txt"), schedule.toText());
    log.info("fault schedule (replay: the same seed, or dkv torture --schedule {}):\n{}",
        out.resolve("schedule.txt"), schedule.toText());
    Network network = config.network().create(schedule.nodeCount(), schedule.founders());
    ProcessNemesis processes = null;
    NodeViews views = null;
    try {
      ServerCommands commands = new ServerCommands(config.serverCommand(), network, config.partitions(), out);
      processes = new ProcessNemesis(network, out.resolve("logs"));
      views = new NodeViews(network);
      MembershipChanges membership = new MembershipChanges(schedule.founders(), processes, commands, views,
          config.livenessLimit());
      List<Path> clockOffsets = commands.createClockOffsets();
      processes.startAll(IntStream.range(0, schedule.founders()).mapToObj(commands::founder).toList(),
          ServerCommands.READY_LINE, START_TIMEOUT);
      return new TortureCluster(network, processes, views, membership,
          new FaultInjector(network, processes, membership, clockOffsets));
    } catch (IOException | RuntimeException e) {
      closeAll(views, processes, network);
      throw e;
    }
  }

  /** Every node slot's client address as {@code HOST:PORT,...}: a slot with no running node refuses connections. */
  String allEndpoints() {
    return IntStream.range(0, network.nodeCount())
        .mapToObj(i -> ServerCommands.hostPort(network.clientAddress(i))).collect(Collectors.joining(","));
  }

  @Override
  public void close() throws InterruptedException {
    try {
      membership.close();
    } finally {
      closeAll(views, processes, network);
    }
  }

  private static void closeAll(NodeViews views, ProcessNemesis processes, Network network) {
    try (network; processes; views) {
      // Closed in reverse order of creation, each even when a later one's close throws.
    }
  }
}
