package io.dkv.cli;

import io.dkv.client.ClusterStatus;
import io.dkv.client.DkvClient;
import io.dkv.client.NamespaceSettings;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.TypeConversionException;

/** {@code dkv ns}: create, list and drop namespaces. Only a parent for its subcommands. */
@Command(name = "ns", description = "Create, list and drop namespaces.",
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {NamespaceCommand.Create.class, NamespaceCommand.ListNamespaces.class,
        NamespaceCommand.Drop.class})
final class NamespaceCommand {

  @Command(name = "create", description = "Create a namespace. Exit code 1 when the directory refuses"
      + " it (the name is taken or invalid, N above the replication factor, ...).")
  static final class Create extends DirectoryCommand {
    @Parameters(index = "0", paramLabel = "NAME",
        description = "1-64 letters, digits, '_', '.', '-', starting with a letter or digit.")
    String name;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "strong", converter = ModeConverter.class,
        description = "strong (default): two-phase commit on all N replicas, W = N, R = 1. eventual: quorum"
            + " writes and reads, last writer wins; W and R from 1 to N.")
    NamespaceSettings.Mode mode;

    @Option(names = "--n", paramLabel = "N", converter = CountConverter.class,
        description = "Replicas per key (default: the cluster's replication factor).")
    Integer n;

    @Option(names = "--w", paramLabel = "W", converter = CountConverter.class,
        description = "Replicas that acknowledge a write (default: N for strong, a majority of N for eventual).")
    Integer w;

    @Option(names = "--r", paramLabel = "R", converter = CountConverter.class,
        description = "Replies a read waits for (default: 1 for strong, a majority of N for eventual)."
            + " Eventual: a warning when R + W <= N.")
    Integer r;

    @Override
    Result run(DkvClient dkv) {
      int replicas = n != null ? n : dkv.clusterStatus().replicationFactor();
      boolean eventual = mode == NamespaceSettings.Mode.EVENTUAL;
      int majority = replicas / 2 + 1;
      NamespaceSettings settings = new NamespaceSettings(name, mode, replicas,
          w != null ? w : eventual ? majority : replicas, r != null ? r : eventual ? majority : 1);
      settings.overlapWarning().ifPresent(warning -> spec.commandLine().getErr().println("dkv: warning: " + warning));
      long epoch = dkv.createNamespace(settings);
      return new Result(DataCommand.fields("namespace", DirectoryView.namespaceFields(settings), "epoch", epoch),
          "created namespace " + name + " (" + DirectoryView.lower(mode) + ", N=" + settings.n()
              + " W=" + settings.w() + " R=" + settings.r() + ") at directory epoch " + epoch);
    }
  }

  @Command(name = "list", description = "List the namespaces with their mode, N, W and R.")
  static final class ListNamespaces extends DirectoryCommand {
    @Override
    Result run(DkvClient dkv) {
      ClusterStatus s = dkv.clusterStatus();
      return new Result(DataCommand.fields("epoch", s.epoch(), "namespaces",
          DirectoryView.namespaceFields(s.namespaces())), DirectoryView.namespacesText(s.namespaces()));
    }
  }

  @Command(name = "drop", description = "Drop a namespace. Exit code 1 when the directory refuses it"
      + " (unknown name, or default, which cannot be dropped).")
  static final class Drop extends DirectoryCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    Result run(DkvClient dkv) {
      long epoch = dkv.dropNamespace(name);
      return new Result(DataCommand.fields("name", name, "epoch", epoch),
          "dropped namespace " + name + " at directory epoch " + epoch);
    }
  }

  /** Accepts mode names in any case. */
  static final class ModeConverter implements ITypeConverter<NamespaceSettings.Mode> {
    @Override
    public NamespaceSettings.Mode convert(String value) {
      return switch (value.trim().toLowerCase(Locale.ROOT)) {
        case "strong" -> NamespaceSettings.Mode.STRONG;
        case "eventual" -> NamespaceSettings.Mode.EVENTUAL;
        default -> throw new TypeConversionException("'" + value + "' is not a namespace mode; use strong or eventual");
      };
    }
  }

  /** N, W and R are counts of replicas: 1 or more. Whether the cluster allows them is the directory's call. */
  static final class CountConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      try {
        int count = Integer.parseInt(value.trim());
        if (count >= 1) {
          return count;
        }
      } catch (NumberFormatException e) {
        // same message as a number below 1
      }
      throw new TypeConversionException("'" + value + "' is not a replica count; give a whole number, 1 or more");
    }
  }
}
