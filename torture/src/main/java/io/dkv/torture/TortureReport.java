package io.dkv.torture;

import io.dkv.checker.CheckResult;
import io.dkv.checker.Verdict;
import java.time.Duration;
import java.util.List;

/**
 * What a torture run found.
 *
 * @param recovery      how long after healing every key was readable and writable again and no
 *                      node held a lock; null if that did not happen within the liveness limit
 * @param livenessIssue why liveness failed, or null
 */
public record TortureReport(FaultSchedule schedule, CheckResult linearizability, List<String> lostWrites,
                            List<String> replicaDisagreements, Duration recovery, String livenessIssue,
                            int operations, int answered, int unknown) {
  public TortureReport {
    lostWrites = List.copyOf(lostWrites);
    replicaDisagreements = List.copyOf(replicaDisagreements);
  }

  /**
   * Safety held (no non-linearizable key, no lost write, every key's replicas equal) and the
   * cluster recovered in time.
   */
  public boolean passed() {
    return linearizability.overall() != Verdict.NOT_LINEARIZABLE && lostWrites.isEmpty()
        && replicaDisagreements.isEmpty() && livenessIssue == null;
  }

  public String summary() {
    return String.format("""
        seed %d, %d nodes, faults %s, %d windows
        operations: %d (%d answered, %d unknown)
        linearizability: %s
        lost acknowledged writes: %s
        replicas after healing: %s
        liveness after healing: %s
        verdict: %s""",
        schedule.seed(), schedule.nodeCount(), schedule.kinds(), schedule.windows().size(),
        operations, answered, unknown, linearizability,
        lostWrites.isEmpty() ? "none" : String.join("\n  ", lostWrites),
        replicaDisagreements.isEmpty() ? "identical" : String.join("\n  ", replicaDisagreements),
        livenessIssue == null ? "recovered in " + recovery.toMillis() + " ms" : "FAILED: " + livenessIssue,
        passed() ? "PASS" : "FAIL");
  }
}
