package io.dkv.cli;

import io.dkv.client.ClusterStatus;
import io.dkv.client.DkvClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code dkv cluster}: the cluster's directory. Only a parent for its subcommands. */
@Command(name = "cluster", description = "The cluster's directory: members, placement, namespaces.",
    synopsisSubcommandLabel = "COMMAND", subcommands = {ClusterCommand.Status.class, ClusterCommand.Remove.class})
final class ClusterCommand {

  @Command(name = "status", description = "Show the directory as one node knows it: epoch, leader,"
      + " Q and RF, every member (address, state, partitions, voter) and every namespace.")
  static final class Status extends DirectoryCommand {
    @Override
    Result run(DkvClient dkv) {
      ClusterStatus s = dkv.clusterStatus();
      return new Result(DirectoryView.statusFields(s), DirectoryView.statusText(s));
    }
  }

  @Command(name = "remove", description = "Remove a node: it becomes leaving, its partitions move to"
      + " other nodes, and the directory removes it once it holds none. Exit code 1 when the"
      + " directory refuses (unknown node, already leaving or removed, a directory voter).")
  static final class Remove extends DirectoryCommand {
    @Parameters(index = "0", paramLabel = "NODE", description = "The id of the node to remove.")
    String node;

    @Override
    Result run(DkvClient dkv) {
      long epoch = dkv.removeNode(node);
      return new Result(DataCommand.fields("node", node, "state", "leaving", "epoch", epoch),
          "node " + node + " is leaving (directory epoch " + epoch + "): its partitions move to other"
              + " nodes, and it is removed once it holds none. Watch the progress with: dkv cluster"
              + " status");
    }
  }
}
