package io.dkv.server.directory;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryCommand.Evict;
import io.dkv.core.directory.DirectoryCommand.Initialize;
import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryCommand.MarkDown;
import io.dkv.core.directory.DirectoryCommand.MarkUp;
import io.dkv.core.directory.DirectoryState;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class FailureDetectorTest {
  private static final FailureDetection SETTINGS = new FailureDetection(500, 3_000, 5_000, 2);
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  /** The detector of a voter on a node outside {@link #cluster}, so that every member may be suspected. */
  private final FailureDetector detector = new FailureDetector(SETTINGS, "voter");

  static DirectoryState cluster(DirectoryCommand... then) {
    DirectoryState s = DirectoryState.initial(16, 3).apply(new Initialize(List.of(
        new Join("n1", "h:1"), new Join("n2", "h:2"), new Join("n3", "h:3")), 16, 3)).state();
    for (DirectoryCommand c : then) {
      DirectoryState.Transition t = s.apply(c);
      assertThat(t.result()).as("%s", c).isInstanceOf(CommandResult.Accepted.class);
      s = t.state();
    }
    return s;
  }

  @Test
  void marksDownOnlyTheMemberSilentForLongerThanDownAfter() {
    Liveness liveness = new Liveness(0);
    liveness.heard("n1", 1, true, 4_000 * MS);
    liveness.heard("n2", 1, true, 4_000 * MS);
    // n3 never heard: counts as heard at the voter's start (0).
    assertThat(detector.actions(cluster(), liveness, 0, 5_000 * MS)).isEmpty();
    assertThat(detector.actions(cluster(), liveness, 0, 5_001 * MS))
        .containsExactly(new MarkDown("n3"));
  }

  /** A node that joins late is given down-after from its join, not from the voter's start. */
  @Test
  void aJoinedNodeIsGivenTheFullDownAfterTimeFromItsJoin() {
    DirectoryState joined = cluster(new io.dkv.core.directory.DirectoryCommand.Join("n4", "h:4"));
    Liveness liveness = new Liveness(0);
    for (String n : List.of("n1", "n2", "n3")) {
      liveness.heard(n, 2, true, 60_000 * MS);
    }
    liveness.joined("n4", 58_000 * MS);
    assertThat(detector.actions(joined, liveness, 0, 63_000 * MS)).isEmpty();
    assertThat(detector.actions(joined, liveness, 0, 63_001 * MS)).containsExactly(new MarkDown("n4"));
  }

  @Test
  void aNewLeaderGivesEveryNodeTheFullDownAfterTime() {
    Liveness liveness = new Liveness(0);
    // Nobody heard for 20 s (there was no leader), and this voter leads since 18 s.
    assertThat(detector.actions(cluster(), liveness, 18_000 * MS, 22_000 * MS)).isEmpty();
    assertThat(detector.actions(cluster(), liveness, 18_000 * MS, 23_001 * MS)).containsExactly(
        new MarkDown("n1"), new MarkDown("n2"), new MarkDown("n3"));
  }

  /**
   * Regression: a leader cut off from the others has its own heartbeats fail too (they went to the
   * old leader). It marked itself down, then evicted itself, and the partitions kept only the node
   * the fault had isolated, so no strong write committed until it healed.
   */
  @Test
  void theLeaderNeverMarksItsOwnNodeDown() {
    FailureDetector onN1 = new FailureDetector(SETTINGS, "n1");
    Liveness liveness = new Liveness(0);
    assertThat(onN1.actions(cluster(), liveness, 0, 60_000 * MS))
        .containsExactly(new MarkDown("n2"), new MarkDown("n3"));
  }

  @Test
  void evictsADownMemberOnlyOnceDownAfterPassedSinceItsLastLeaseGrantingHeartbeat() {
    DirectoryState down = cluster(new MarkDown("n3"));
    Liveness liveness = new Liveness(0);
    liveness.heard("n1", 2, true, 9_000 * MS);
    liveness.heard("n2", 2, true, 9_000 * MS);
    liveness.heard("n3", 1, true, 4_000 * MS); // applied just before the MarkDown
    assertThat(detector.actions(down, liveness, 0, 9_000 * MS)).isEmpty();
    assertThat(detector.actions(down, liveness, 0, 9_001 * MS))
        .containsExactly(new Evict("n3", 2));
  }

  @Test
  void aDownMemberHeardAgainIsMarkedUpAndOneWithoutReplicasIsNotEvicted() {
    DirectoryState evicted = cluster(new MarkDown("n3"), new Evict("n3", 2));
    assertThat(evicted.map().partitionsOf("n3")).isEmpty();
    Liveness liveness = new Liveness(0);
    liveness.heard("n1", 3, true, 20_000 * MS);
    liveness.heard("n2", 3, true, 20_000 * MS);
    assertThat(detector.actions(evicted, liveness, 0, 20_000 * MS)).isEmpty();
    liveness.heard("n3", 3, false, 20_000 * MS); // a heartbeat of a down node grants nothing
    assertThat(detector.actions(evicted, liveness, 0, 21_000 * MS))
        .containsExactly(new MarkUp("n3"));
  }
}
