package io.dkv.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dkv} command. */
@Command(name = "dkv", mixinStandardHelpOptions = true, version = "dkv 0.1.0",
    description = "A distributed, replicated key-value store with two-phase commit.",
    subcommands = {ServerCommand.class, DevCommand.class, PutCommand.class, GetCommand.class,
        DeleteCommand.class, CasCommand.class, StatusCommand.class, ClusterCommand.class,
        NamespaceCommand.class, RepairCommand.class, BenchCommand.class, TortureCommand.class, CommandLine.HelpCommand.class},
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:success", "1:not found, the condition failed, or the directory refused the change",
        "2:usage error (bad arguments or request)", "3:cluster unavailable (or outcome unknown)"})
public final class Main {
  public static final int OK = 0;
  public static final int NOT_FOUND_OR_CONDITION = 1;
  /** dkv torture: the run completed and one of its checks failed. */
  public static final int CHECK_FAILED = 1;
  public static final int USAGE = 2;
  public static final int UNAVAILABLE = 3;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with {@code out} and {@code err} for the commands' own output. */
  static int run(PrintWriter out, PrintWriter err, String... args) {
    return new CommandLine(new Main())
        .setOut(out)
        .setErr(err)
        .setExecutionExceptionHandler((e, cmd, parsed) -> {
          cmd.getErr().println("dkv: " + ExitCodes.message(e));
          return ExitCodes.of(e);
        })
        .execute(args);
  }
}
