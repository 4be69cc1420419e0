package io.dkv.core.sim;

import io.dkv.checker.History;
import io.dkv.checker.KeyVerdict;
import io.dkv.checker.LinearizabilityChecker;
import io.dkv.checker.Operation;
import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.twopc.ClientCommand;
import io.dkv.core.twopc.ClientResult;
import io.dkv.core.twopc.JournalInspector;
import io.dkv.core.twopc.NodeStats;
import io.dkv.core.twopc.Output;
import io.dkv.protocol.Bytes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Liveness and convergence after healing: with every fault gone and every node restarted, the
 * cluster must become quiet (no transaction coordinated, prepared, in doubt or unforgotten, no lock
 * held, no read parked, at any node, evicted or not), every current replica of a key (promoted
 * learners included) must hold the same record, at least the newest acknowledged write, and each
 * key's history, closed by a final read at every current replica, must be linearizable. A node
 * evicted or released from a key is stale by design and is not compared, nor is a learner whose
 * copy the end of the faults cut short (moves stop with them).
 */
final class FinalChecks {
  private static final long QUIET_LIMIT_MILLIS = 60_000;
  /** Far above what a seed's history needs; a key that hits it is counted, not failed. */
  private static final Duration LINEARIZABILITY_LIMIT = Duration.ofSeconds(5);

  private final Simulation sim;

  FinalChecks(Simulation sim) {
    this.sim = sim;
  }

  void runUntilQuietAndCheck() {
    long limit = sim.now + QUIET_LIMIT_MILLIS;
    while (!quiet()) {
      if (sim.now > limit) {
        throw new AssertionError("not quiet " + QUIET_LIMIT_MILLIS + " ms after healing: " + describe());
      }
      sim.runUntil(sim.now + 50);
    }
    sim.stats.simulatedMillis = sim.now;
    sim.stats.txnsCommitted = sim.invariants.commitsSeen;
    sim.stats.txnsAborted = sim.invariants.abortsSeen;
    for (String key : sim.directory.keys()) {
      List<SimNode> replicas = sim.directory.currentReplicas(key);
      checkReplicasAgree(key, replicas);
      for (SimNode r : replicas) {
        sim.workload.history.add(finalRead(key, r));
      }
    }
    resolveUnknownWrites();
    for (String key : sim.directory.keys()) {
      checkHoldsNewestAcknowledgedWrite(key, sim.directory.currentReplicas(key));
    }
    checkLinearizable();
  }

  /** The current replicas agree (checked before), so the first one stands for all. */
  private void checkHoldsNewestAcknowledgedWrite(String key, List<SimNode> replicas) {
    long newest = sim.workload.history.stream()
        .filter(op -> op.key.equals(key) && op.kind != HistoryOp.Kind.GET && op.status == HistoryOp.Status.OK)
        .mapToLong(op -> op.version).max().orElse(0);
    byte[] dataKey = JournalInspector.dataKey(Workload.NAMESPACE, Bytes.utf8(key));
    byte[] data = replicas.get(0).storage.get(ColumnFamily.DATA, dataKey);
    long version = data == null ? 0 : JournalInspector.data(dataKey, data).version();
    if (version < newest) {
      throw new AssertionError("the current replicas " + replicas + " of " + key + " hold version " + version
          + ", older than the newest acknowledged write, version " + newest);
    }
  }

  /**
   * Each key's history must be linearizable; a key whose check ran out of time is counted. Checking
   * only the final history is enough: linearizability is prefix-closed, so a violation at any step
   * still shows at the end.
   */
  private void checkLinearizable() {
    History history = History.of(sim.workload.history.stream().map(HistoryOp::toOperation).toList());
    for (KeyVerdict k : LinearizabilityChecker.check(history, LINEARIZABILITY_LIMIT).keys()) {
      switch (k.verdict()) {
        case LINEARIZABLE -> { }
        case UNKNOWN -> {
          sim.stats.linearizabilityTimeLimitHit++;
          if (Boolean.getBoolean("dkv.sim.reportExhausted")) {
            System.out.println("seed " + sim.seed + " " + k);
          }
        }
        case NOT_LINEARIZABLE -> {
          StringBuilder sb = new StringBuilder("history of " + k.key() + " is not linearizable: " + k
              + "\n  the whole history of " + k.key() + ":");
          history.byKey().get(k.key()).stream().sorted(Comparator.comparingLong(Operation::invokedAt))
              .forEach(op -> sb.append("\n    ").append(op));
          throw new AssertionError(sb.toString());
        }
      }
    }
  }

  /**
   * A write whose client timed out took effect iff its request id committed, which the invariant
   * checker saw in the durable request-id records: it then counts as OK at that version, at an
   * unknown time after its invocation (no return time), else as without effect. This turns the
   * search's hardest case into a definite one and checks the versions such writes got, too.
   */
  private void resolveUnknownWrites() {
    for (HistoryOp op : sim.workload.history) {
      if (op.status == HistoryOp.Status.UNKNOWN) {
        Long version = sim.invariants.committedRequests.get(op.requestId);
        if (version != null) {
          op.status = HistoryOp.Status.OK;
          op.version = version;
          op.returnedAt = Operation.NEVER_RETURNED;
        } else {
          op.status = HistoryOp.Status.NO_EFFECT;
        }
      }
    }
  }

  private boolean quiet() {
    if (!sim.workload.idle()) {
      return false;
    }
    for (SimNode n : sim.nodes) {
      if (!n.up) {
        return false;
      }
      NodeStats s = n.core.stats();
      if (s.activeTransactions() != 0 || s.preparedKeys() != 0 || s.inDoubtTransactions() != 0
          || s.journalRecords() != 0 || s.parkedReads() != 0 || hasTxnRecords(n)) {
        return false;
      }
    }
    return true;
  }

  private static boolean hasTxnRecords(SimNode n) {
    boolean[] found = {false};
    n.storage.scan(ColumnFamily.JOURNAL, new byte[0], (k, v) -> {
      if (JournalInspector.isWorkerKey(k) || JournalInspector.isDecisionKey(k)) {
        found[0] = true;
      }
    });
    return found[0];
  }

  private void checkReplicasAgree(String key, List<SimNode> replicas) {
    byte[] dataKey = JournalInspector.dataKey(Workload.NAMESPACE, Bytes.utf8(key));
    byte[] first = replicas.get(0).storage.get(ColumnFamily.DATA, dataKey);
    for (SimNode r : replicas) {
      byte[] mine = r.storage.get(ColumnFamily.DATA, dataKey);
      if (!Arrays.equals(first, mine)) {
        throw new AssertionError("replicas of " + key + " differ: " + replicas.get(0).id + " has "
            + view(dataKey, first) + ", " + r.id + " has " + view(dataKey, mine));
      }
    }
  }

  private static String view(byte[] key, byte[] value) {
    return value == null ? "nothing" : JournalInspector.data(key, value).toString();
  }

  /** A read through the core of a quiet node: answered at once, from its replica. */
  private HistoryOp finalRead(String key, SimNode r) {
    HistoryOp op = new HistoryOp(sim.workload.history.size(), -1, key, HistoryOp.Kind.GET, null, 0,
        sim.nextLogicalTime());
    Output out = r.core.onClient(new ClientCommand.Read(-1, Workload.NAMESPACE, Bytes.utf8(key), sim.now + 1), sim.now);
    if (out.results().size() != 1 || !(out.results().get(0) instanceof ClientResult.ReadValue v)) {
      throw new AssertionError("a quiet replica " + r.id + " did not answer a read of " + key + ": " + out.results());
    }
    op.found = v.found();
    op.version = v.version();
    op.readValue = v.value();
    op.status = HistoryOp.Status.OK;
    op.returnedAt = sim.nextLogicalTime();
    return op;
  }

  private String describe() {
    List<String> parts = new ArrayList<>();
    parts.add("clients idle=" + sim.workload.idle());
    for (SimNode n : sim.nodes) {
      parts.add(n + " " + (n.core == null ? "-" : n.core.stats()));
    }
    return String.join("; ", parts);
  }
}
