package io.dkv.torture;

import io.dkv.protocol.ClientMessage.ClusterStatusResponse;
import io.dkv.protocol.ClientMessage.MemberState;
import io.dkv.protocol.ClientMessage.MemberStatus;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One join or removal of a run: when the directory took it and when it ended, both from the
 * schedule's start. A join has finished when the node is up and the partition map is back on its
 * target: every member that is not removed is up and holds {@code floor(S/n)} or {@code ceil(S/n)}
 * of the {@code S = Q x min(RF, n)} replica slots, as the claim function places them
 * ({@code docs/placement.md}), so the newcomer holds its share. Up alone is not enough: the
 * directory marks a joining node up as soon as no move to it is planned, which is at once while
 * another member is down. A removal has finished when the node is {@code removed}: it had no role
 * left in any partition. A join that a removal of the same node overtakes ends unfinished there.
 *
 * @param window         the change's window as scheduled; the nemesis waits for the change at its end
 * @param beganMillis    when the nemesis began it: started the node, or ran {@code dkv cluster remove}
 * @param acceptedMillis when the directory had taken the change: the joining node served (it had
 *                       joined), or {@code dkv cluster remove} returned (the node was leaving)
 * @param endedMillis    when the change finished or was overtaken; empty while it went on
 * @param finished       it ended because the directory reported it finished
 * @param outcome        what the directory reported last, e.g. {@code up with 192 of 768 replica slots}
 */
public record MembershipChange(FaultWindow window, long beganMillis, long acceptedMillis, OptionalLong endedMillis,
                               boolean finished, String outcome) {

  /** How long the change took once the directory had it; empty when it did not finish. */
  public OptionalLong tookMillis() {
    return finished ? OptionalLong.of(endedMillis.getAsLong() - acceptedMillis) : OptionalLong.empty();
  }

  /**
   * The window over which write availability is measured: from when the nemesis began the change
   * until it ended; empty when it did not end.
   */
  public Optional<FaultWindow> measuredWindow() {
    return endedMillis.isPresent()
        ? Optional.of(new FaultWindow(beganMillis, Math.max(1, endedMillis.getAsLong() - beganMillis), window.fault()))
        : Optional.empty();
  }

  /** One line for the run's summary. */
  public String describe() {
    String when = FaultText.format(window.fault()) + " at " + window.startMillis() + " ms (window "
        + window.durationMillis() + " ms): ";
    if (finished) {
      return when + outcome + " " + tookMillis().getAsLong() + " ms after the directory took it";
    }
    return when + (endedMillis.isPresent() ? "overtaken " + (endedMillis.getAsLong() - acceptedMillis)
        + " ms after the directory took it; " : "did not finish; ") + "last seen " + outcome;
  }

  /**
   * Whether {@code status} shows the change finished, and if so how: empty while it goes on.
   *
   * @throws IllegalArgumentException for a fault that is no membership change
   */
  static Optional<String> finishedIn(Fault change, ClusterStatusResponse status) {
    return switch (change) {
      case Fault.Join j -> member(status, j.node())
          .filter(m -> m.state() == MemberState.UP && balanced(status))
          .map(m -> "up with " + m.partitions() + " of " + slots(status) + " replica slots, the map balanced,");
      case Fault.Remove r -> member(status, r.node()).filter(m -> m.state() == MemberState.REMOVED)
          .map(m -> "removed");
      default -> throw new IllegalArgumentException(FaultText.format(change) + " changes no membership");
    };
  }

  /** The node's state and replica count as {@code status} shows it, for a change that goes on. */
  static String progress(Fault change, ClusterStatusResponse status) {
    int node = change.nodes().getFirst();
    return member(status, node).map(m -> NodeIds.of(node) + " " + m.state().name().toLowerCase(Locale.ROOT)
        + " with " + m.partitions() + " replicas at directory epoch " + status.epoch()).orElse(NodeIds.of(node)
        + " not a member at directory epoch " + status.epoch());
  }

  /** Every member that is not removed is up and holds floor(S/n) or ceil(S/n) of the S slots. */
  static boolean balanced(ClusterStatusResponse status) {
    List<MemberStatus> members = status.members().stream().filter(m -> m.state() != MemberState.REMOVED).toList();
    if (members.isEmpty() || members.stream().anyMatch(m -> m.state() != MemberState.UP)) {
      return false;
    }
    int slots = slots(status);
    int floor = slots / members.size();
    int ceil = floor + (slots % members.size() == 0 ? 0 : 1);
    return members.stream().mapToInt(MemberStatus::partitions).sum() == slots
        && members.stream().allMatch(m -> m.partitions() == floor || m.partitions() == ceil);
  }

  /** S: the replica slots of a map whose partitions all have min(RF, members) replicas. */
  private static int slots(ClusterStatusResponse status) {
    long members = status.members().stream().filter(m -> m.state() != MemberState.REMOVED).count();
    return status.partitionCount() * (int) Math.min(status.replicationFactor(), members);
  }

  /** The node's state in {@code status}; empty when it is no member. */
  static Optional<MemberState> stateOf(int node, ClusterStatusResponse status) {
    return member(status, node).map(MemberStatus::state);
  }

  private static Optional<MemberStatus> member(ClusterStatusResponse status, int node) {
    return status.members().stream().filter(m -> m.nodeId().equals(NodeIds.of(node))).findFirst();
  }
}
