package io.dkv.torture;

import io.dkv.checker.CheckResult;
import io.dkv.checker.Verdict;
import io.dkv.client.ClusterMember;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a torture run found.
 *
 * @param recovery      how long after healing every key was readable and writable again and no
 *                      node held a lock; null if that did not happen within the liveness limit
 * @param livenessIssue why liveness failed, or null
 * @param availability  write availability during each window of the schedule, in its order: a
 *                      measurement, not a check, since how long writes may stop depends on the fault
 * @param membershipChanges the schedule's joins and removals, how long each took (liveness requires
 *                      them all finished)
 * @param finalMembers  the directory's members at the end of the run, removed ones included, as the
 *                      freshest view showed them; empty when no member answered
 */
public record TortureReport(FaultSchedule schedule, CheckResult linearizability, List<String> lostWrites,
                            List<String> replicaDisagreements, Duration recovery, String livenessIssue,
                            int operations, int answered, int unknown, List<Availability> availability,
                            List<MembershipChange> membershipChanges, List<ClusterMember> finalMembers) {
  public TortureReport {
    lostWrites = List.copyOf(lostWrites);
    replicaDisagreements = List.copyOf(replicaDisagreements);
    availability = List.copyOf(availability);
    membershipChanges = List.copyOf(membershipChanges);
    finalMembers = List.copyOf(finalMembers);
  }

  /** The member with this id at the end of the run, if the directory knows it. */
  public Optional<ClusterMember> finalMember(String nodeId) {
    return finalMembers.stream().filter(m -> m.nodeId().equals(nodeId)).findFirst();
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
        replicas after healing (per the final map): %s
        liveness after healing: %s
        %s%smembers at the end: %s
        verdict: %s""",
        schedule.seed(), schedule.nodeCount(), schedule.kinds(), schedule.windows().size(),
        operations, answered, unknown, linearizability,
        lostWrites.isEmpty() ? "none" : String.join("\n  ", lostWrites),
        replicaDisagreements.isEmpty() ? "identical" : String.join("\n  ", replicaDisagreements),
        livenessIssue == null ? "recovered in " + recovery.toMillis() + " ms" : "FAILED: " + livenessIssue,
        membershipChanges.stream().map(c -> "membership: " + c.describe() + "\n").collect(Collectors.joining()),
        availability.stream().map(a -> "availability: " + a.describe() + "\n").collect(Collectors.joining()),
        finalMembers.isEmpty() ? "unknown (no member answered)" : finalMembers.stream()
            .map(m -> m.nodeId() + " " + m.state().name().toLowerCase(Locale.ROOT) + " with " + m.partitions())
            .collect(Collectors.joining(", ")),
        passed() ? "PASS" : "FAIL");
  }
}
