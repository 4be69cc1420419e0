package io.dkv.server.directory;

import static io.dkv.server.directory.DirectoryFixture.awaitEpoch;
import static io.dkv.server.directory.DirectoryFixture.initialize;
import static io.dkv.server.directory.DirectoryFixture.submit;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.directory.CommandResult;
import io.dkv.core.directory.DirectoryCommand.CreateNamespace;
import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryCommand.MarkUp;
import io.dkv.core.directory.DirectoryCommand.Remove;
import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.NamespaceMode;
import io.dkv.core.directory.NodeState;
import java.nio.file.Files;
import java.util.concurrent.ExecutionException;
import org.apache.ratis.client.RaftClient;
import org.apache.ratis.protocol.Message;
import org.apache.ratis.protocol.RaftClientReply;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real Ratis servers on loopback: ordering, leader loss, restart from storage, non-voters. */
class RatisDirectoryTest {
  @TempDir
  Path dir;
  private DirectoryFixture cluster;

  @AfterEach
  void closeEverything() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void oneVoterAppliesCommandsAndANonVoterFollows() throws Exception {
    cluster = new DirectoryFixture(dir, 1, 1000).startVoters();
    RatisDirectory voter = cluster.node("v1");
    RatisDirectory follower = cluster.start("n9");

    initialize(follower);
    assertThat(submit(follower, new Join("a", "10.0.0.1:7401")))
        .isEqualTo(new CommandResult.Accepted(2));
    assertThat(submit(voter, new MarkUp("a"))).isEqualTo(new CommandResult.Accepted(3));
    assertThat(submit(voter, new Remove("a"))).isEqualTo(new CommandResult.Rejected(3,
        "cannot remove node 'a': it is up; allowed only from [leaving, down]"));

    DirectoryState expected = DirectoryState.initial(DirectoryFixture.PARTITIONS,
            DirectoryFixture.REPLICATION).apply(DirectoryFixture.INITIALIZE).state()
        .apply(new Join("a", "10.0.0.1:7401")).state().apply(new MarkUp("a")).state();
    assertThat(awaitEpoch(voter, 3)).isEqualTo(expected);
    assertThat(awaitEpoch(follower, 3)).isEqualTo(expected);
  }

  @Test
  void threeVotersApplyConcurrentCommandsInOneOrderEverywhere() throws Exception {
    cluster = new DirectoryFixture(dir, 3, 1000).startVoters();
    initialize(cluster.node("v1"));
    for (RatisDirectory d : cluster.runningNodes()) {
      awaitEpoch(d, 1);
    }
    List<List<Long>> seenEpochs = new ArrayList<>();
    for (RatisDirectory d : cluster.runningNodes()) {
      List<Long> epochs = new CopyOnWriteArrayList<>();
      d.addListener(s -> epochs.add(s.epoch()));
      seenEpochs.add(epochs);
    }
    List<CompletableFuture<CommandResult>> pending = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      RatisDirectory through = cluster.runningNodes().get(i % 3);
      pending.add(through.submit(i % 5 == 4
          ? new CreateNamespace("ns" + i, NamespaceMode.STRONG, 1, 1, 1)
          : new Join("n" + i, "10.0.0." + i + ":7401")));
    }
    long accepted = 0;
    for (CompletableFuture<CommandResult> f : pending) {
      if (f.get(DirectoryFixture.DEADLINE_SECONDS, TimeUnit.SECONDS)
          instanceof CommandResult.Accepted) {
        accepted++;
      }
    }
    assertThat(accepted).isEqualTo(30);
    DirectoryState first = awaitEpoch(cluster.node("v1"), 1 + accepted);
    assertThat(first.epoch()).isEqualTo(1 + accepted);
    assertThat(first.members()).hasSize(1 + 24);
    for (RatisDirectory d : cluster.runningNodes()) {
      assertThat(awaitEpoch(d, 1 + accepted)).isEqualTo(first);
    }
    for (List<Long> epochs : seenEpochs) {
      assertThat(epochs).isEqualTo(Stream.iterate(2L, e -> e + 1).limit(accepted).toList());
    }
  }

  @Test
  void losingTheLeaderLosesNoAcknowledgedCommandAndANewLeaderTakesOver() throws Exception {
    cluster = new DirectoryFixture(dir, 3, 1000).startVoters();
    initialize(cluster.node("v1"));
    for (int i = 0; i < 10; i++) {
      submit(cluster.node("v" + (1 + i % 3)), new Join("n" + i, "10.0.0." + i + ":7401"));
    }
    String oldLeader = cluster.leader();
    cluster.stop(oldLeader);

    RatisDirectory survivor = cluster.runningNodes().get(0);
    assertThat(submit(survivor, new MarkUp("n0"))).isEqualTo(new CommandResult.Accepted(12));
    assertThat(cluster.leader()).isNotEqualTo(oldLeader);
    for (RatisDirectory d : cluster.runningNodes()) {
      DirectoryState s = awaitEpoch(d, 12);
      assertThat(s.members()).hasSize(11);
      assertThat(s.member("n0").orElseThrow().state()).isEqualTo(NodeState.UP);
      assertThat(s.map().members()).hasSize(11);
    }
  }

  @Test
  void aRestartedVoterCatchesUpFromItsSnapshotAndTheLog() throws Exception {
    cluster = new DirectoryFixture(dir, 3, 5).startVoters();
    initialize(cluster.node("v1"));
    for (int i = 0; i < 12; i++) {
      submit(cluster.node("v1"), new Join("n" + i, "10.0.0." + i + ":7401"));
    }
    awaitEpoch(cluster.node("v3"), 13);
    cluster.stop("v3");
    assertThat(snapshotFiles(cluster.storageOf("v3"))).isNotEmpty();
    for (int i = 12; i < 24; i++) {
      submit(cluster.node("v1"), new Join("n" + i, "10.0.0." + i + ":7401"));
    }

    RatisDirectory restarted = cluster.start("v3");
    DirectoryState caughtUp = awaitEpoch(restarted, 25);
    assertThat(caughtUp).isEqualTo(awaitEpoch(cluster.node("v1"), 25));
    assertThat(caughtUp.members()).hasSize(25);
    assertThat(submit(restarted, new MarkUp("n23"))).isEqualTo(new CommandResult.Accepted(26));
  }

  private static List<Path> snapshotFiles(Path storage) throws Exception {
    try (Stream<Path> files = Files.walk(storage)) {
      return files.filter(p -> p.getFileName().toString().matches("snapshot\\.\\d+_\\d+"))
          .toList();
    }
  }

  @Test
  void anEntryThatIsNotADirectoryCommandIsRefusedBeforeTheLogAndStopsNoVoter() throws Exception {
    cluster = new DirectoryFixture(dir, 3, 1000).startVoters();
    initialize(cluster.node("v1"));
    assertThat(submit(cluster.node("v1"), new Join("n1", "10.0.0.1:7401")))
        .isEqualTo(new CommandResult.Accepted(2));

    Throwable refusal;
    try (RaftClient raw = cluster.rawClient()) {
      try {
        RaftClientReply reply = raw.async().send(Message.valueOf(ByteString.copyFrom(new byte[] {1, 99})))
            .get(DirectoryFixture.DEADLINE_SECONDS, TimeUnit.SECONDS);
        assertThat(reply.isSuccess()).isFalse();
        refusal = reply.getException();
      } catch (ExecutionException e) {
        refusal = e.getCause();
      }
    }
    assertThat(refusal).hasStackTraceContaining("unknown command tag 99");

    // Every voter is still running and applies the next command at the next epoch.
    assertThat(submit(cluster.node("v2"), new MarkUp("n1"))).isEqualTo(new CommandResult.Accepted(3));
    for (RatisDirectory d : cluster.runningNodes()) {
      assertThat(awaitEpoch(d, 3).member("n1").orElseThrow().state()).isEqualTo(NodeState.UP);
    }
  }
}
