package io.dkv.cli;

import io.dkv.client.ClusterStatus;
import io.dkv.client.DkvClient;
import picocli.CommandLine.Command;

/** {@code dkv cluster}: the cluster's directory. Only a parent for its subcommands. */
@Command(name = "cluster", description = "The cluster's directory: members, placement, namespaces.",
    synopsisSubcommandLabel = "COMMAND", subcommands = ClusterCommand.Status.class)
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
}
