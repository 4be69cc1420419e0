package io.dkv.torture;

import io.dkv.checker.Command;
import io.dkv.checker.Outcome;
import io.dkv.client.DkvClient;
import io.dkv.protocol.ClientMessage.StatusResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The liveness check after healing: within the limit, every join and removal of the schedule must
 * have finished ({@link MembershipChanges}), every key must take a write and read it back, and no
 * member may hold a lock. Its operations go into the history like any other, so the
 * linearizability check covers them too.
 */
final class Liveness {
  private static final long POLL_INTERVAL_MILLIS = 200;

  private final DkvClient client;
  private final Workload workload;
  private final Network network;
  private final MembershipChanges membership;
  private final Duration limit;
  private Duration recovery;
  private String issue;

  Liveness(DkvClient client, Workload workload, Network network, MembershipChanges membership, Duration limit) {
    this.client = client;
    this.workload = workload;
    this.network = network;
    this.membership = membership;
    this.limit = limit;
  }

  /** Runs the check as client {@code process}; afterwards {@link #recovery} or {@link #issue} tells the result. */
  Liveness await(int process) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + limit.toNanos();
    issue = membership.awaitFinished(deadline);
    if (issue != null) {
      issue += " (the limit is " + limit.toSeconds() + " s after healing)";
      return this;
    }
    int attempt = 0;
    for (String key : workload.keys()) {
      while (!writableAndReadable(process, key, "liveness-" + key + "-" + attempt++)) {
        if (System.nanoTime() > deadline) {
          issue = key + " was not writable and readable within " + limit.toSeconds() + " s of healing";
          return this;
        }
        pause();
      }
    }
    for (int node : membership.members()) {
      while (lockedKeys(node) != 0) {
        if (System.nanoTime() > deadline) {
          issue = NodeIds.of(node) + " still holds locks (or does not answer) " + limit.toSeconds() + " s after healing";
          return this;
        }
        pause();
      }
    }
    recovery = Duration.ofNanos(System.nanoTime() - start);
    return this;
  }

  Duration recovery() {
    return recovery;
  }

  String issue() {
    return issue;
  }

  private boolean writableAndReadable(int process, String key, String value) {
    if (!(workload.record(client, process, key, Command.put(value)) instanceof Outcome.Written)) {
      return false;
    }
    return workload.record(client, process, key, Command.get()) instanceof Outcome.Found f && f.value().equals(value);
  }

  /** Locked keys at a node, or -1 when it does not answer. */
  private int lockedKeys(int node) {
    try {
      StatusResponse status = client.status(network.clientAddress(node));
      return status.preparedKeys();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  /** The interval between polls of a cluster that has no event to wait for. */
  private static void pause() throws InterruptedException {
    TimeUnit.MILLISECONDS.sleep(POLL_INTERVAL_MILLIS);
  }
}
