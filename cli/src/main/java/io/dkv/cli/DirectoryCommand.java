package io.dkv.cli;

import io.dkv.client.DkvClient;
import io.dkv.client.DkvException;
import io.dkv.client.InvalidRequestException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that reads or changes the cluster's directory: connects, runs, prints the result
 * (text or JSON) and returns the documented exit code. Unlike a data command, an invalid-request
 * answer exits with 1, not 2: the command line was well formed and the directory refused it (the
 * namespace exists, is unknown, N is larger than RF, ...), with its reason.
 */
abstract class DirectoryCommand implements Callable<Integer> {
  /** Exit code 1, as for "not found" in the data commands: the cluster said no. */
  static final int REFUSED = Main.NOT_FOUND_OR_CONDITION;

  @Mixin
  ClientOptions client;

  @Spec
  CommandSpec spec;

  /** What a command prints: {@code json} for {@code --json} (without "ok"), else {@code text}. */
  record Result(Map<String, Object> json, String text) {}

  /** Runs against the cluster; fails with a DkvException or, for bad arguments, IllegalArgumentException. */
  abstract Result run(DkvClient dkv);

  /** Where live progress goes: standard error, or nowhere with --json, which prints only the result. */
  LiveDisplay liveDisplay() {
    return client.json ? LiveDisplay.silent() : LiveDisplay.on(spec.commandLine().getErr());
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (DkvClient dkv = client.connect()) {
      Result result = run(dkv);
      if (client.json) {
        Map<String, Object> withOk = new LinkedHashMap<>();
        withOk.put("ok", true);
        withOk.putAll(result.json());
        out.println(Json.of(withOk));
      } else {
        out.println(result.text());
      }
      return Main.OK;
    } catch (DkvException | IllegalArgumentException e) {
      boolean refused = e instanceof InvalidRequestException;
      if (client.json) {
        out.println(Json.error(refused ? "refused" : e.getClass().getSimpleName(), ExitCodes.message(e)));
      } else {
        spec.commandLine().getErr().println("dkv: " + ExitCodes.message(e));
      }
      return refused ? REFUSED : ExitCodes.of(e);
    }
  }
}
