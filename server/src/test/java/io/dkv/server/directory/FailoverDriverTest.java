package io.dkv.server.directory;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryCommand.MarkDown;
import io.dkv.core.directory.DirectoryState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class FailoverDriverTest {
  private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
  private final AtomicBoolean leader = new AtomicBoolean();
  private final List<DirectoryCommand> submitted = new ArrayList<>();
  private final List<CompletableFuture<CommandResult>> answers = new ArrayList<>();
  private DirectoryState state = FailureDetectorTest.cluster();
  private final Liveness liveness = new Liveness(0);
  private final FailoverDriver driver = driver(0);

  /** A driver on this test's state that records what it submits; {@code maxMoves} 0: no moves. */
  private FailoverDriver driver(int maxMoves) {
    return new FailoverDriver(new FailureDetector(new FailureDetection(500, 3_000, 5_000, 2), "n1"),
        liveness, () -> state, leader::get, command -> {
          submitted.add(command);
          CompletableFuture<CommandResult> answer = new CompletableFuture<>();
          answers.add(answer);
          return answer;
        }, maxMoves);
  }

  /**
   * The leader starts moves toward a joined node, one StartMoves at a time: a second one planned
   * from the same map would claim the same partitions and be refused whole.
   */
  @Test
  void startsMovesForAJoinedNodeOneCommandAtATime() {
    FailoverDriver moving = driver(4);
    state = FailureDetectorTest.cluster(new DirectoryCommand.Join("n4", "h:4"));
    leader.set(true);
    moving.tick(0);
    assertThat(submitted).singleElement().isInstanceOfSatisfying(DirectoryCommand.StartMoves.class,
        m -> assertThat(m.moves()).hasSize(4).allMatch(r -> r.to().equals("n4")));
    state = state.apply(new DirectoryCommand.CreateNamespace("other",
        io.dkv.core.directory.NamespaceMode.STRONG, 3, 3, 1)).state();
    moving.tick(100 * MS);
    assertThat(submitted).hasSize(1);
    answers.get(0).complete(new CommandResult.Accepted(state.epoch()));
    moving.tick(200 * MS);
    assertThat(submitted).hasSize(2).last().isInstanceOf(DirectoryCommand.StartMoves.class);
  }

  @Test
  void actsOnlyWhileLeadingAndCountsSilenceFromWhenItBecameLeader() {
    driver.tick(10_000 * MS);
    assertThat(submitted).isEmpty(); // not the leader
    leader.set(true);
    driver.tick(12_000 * MS); // leader since 12 s: every node gets until 17 s
    driver.tick(17_000 * MS);
    assertThat(submitted).isEmpty();
    driver.tick(17_001 * MS);
    // n1 is the node this voter runs on: it never marks itself down.
    assertThat(submitted).containsExactly(new MarkDown("n2"), new MarkDown("n3"));
  }

  @Test
  void submitsACommandOnceWhileItIsInFlightAndARefusedOneAgainOnlyAfterAChange() {
    leader.set(true);
    driver.tick(0);
    liveness.heard("n1", 1, true, 9_000 * MS);
    liveness.heard("n2", 1, true, 9_000 * MS);
    driver.tick(9_000 * MS);
    driver.tick(9_500 * MS);
    assertThat(submitted).containsExactly(new MarkDown("n3")); // once while in flight
    answers.get(0).complete(new CommandResult.Rejected(state.epoch(), "refused for the test"));
    driver.tick(10_000 * MS);
    assertThat(submitted).hasSize(1); // same epoch: not again
    state = state.apply(new DirectoryCommand.CreateNamespace("other",
        io.dkv.core.directory.NamespaceMode.STRONG, 3, 3, 1)).state();
    driver.tick(10_500 * MS);
    assertThat(submitted).containsExactly(new MarkDown("n3"), new MarkDown("n3"));
  }
}
