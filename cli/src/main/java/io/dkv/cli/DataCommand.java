package io.dkv.cli;

import io.dkv.client.ConditionFailedException;
import io.dkv.client.DkvClient;
import io.dkv.client.DkvException;
import io.dkv.client.KeyNotFoundException;
import io.dkv.protocol.QuorumLevel;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A command that talks to the cluster: connects, runs, prints the result (text or JSON) and
 * returns the documented exit code.
 */
abstract class DataCommand implements Callable<Integer> {
  @Mixin
  ClientOptions client;

  @Mixin
  NamespaceOption namespace;

  @Spec
  CommandSpec spec;

  /** Runs against the cluster; returns the fields to print (first is the text summary). */
  abstract Map<String, Object> run(DkvClient dkv);

  /** The line printed for a successful result in text mode. */
  abstract String text(Map<String, Object> result);

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (DkvClient dkv = client.connect(namespace.name)) {
      Map<String, Object> result = run(dkv);
      boolean found = !Boolean.FALSE.equals(result.get("found"));
      if (client.json) {
        Map<String, Object> withOk = new LinkedHashMap<>();
        withOk.put("ok", found);
        withOk.putAll(result);
        out.println(Json.of(withOk));
      } else {
        out.println(text(result));
      }
      return found ? Main.OK : Main.NOT_FOUND_OR_CONDITION;
    } catch (DkvException | IllegalArgumentException e) {
      String kind = switch (e) {
        case ConditionFailedException c -> "condition_failed";
        case KeyNotFoundException k -> "not_found";
        default -> e.getClass().getSimpleName();
      };
      if (client.json) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("ok", false);
        r.put("error", kind);
        r.put("message", e.getMessage());
        if (e instanceof ConditionFailedException c) {
          r.put("currentVersion", c.currentVersion());
        }
        out.println(Json.of(r));
      } else {
        err.println("dkv: " + e.getMessage());
      }
      return ExitCodes.of(e);
    }
  }

  /**
   * Prints to standard error the warning for a request's own quorum that lets reads miss the latest
   * acknowledged write (R + W <= N with the namespace's other quorum); nothing when neither is given.
   */
  void warnAboutQuorums(DkvClient dkv, QuorumLevel writeQuorum, QuorumLevel readQuorum) {
    if (writeQuorum != null || readQuorum != null) {
      dkv.quorumWarning(writeQuorum, readQuorum)
          .ifPresent(w -> spec.commandLine().getErr().println("dkv: warning: " + w));
    }
  }

  static Map<String, Object> fields(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }
}
