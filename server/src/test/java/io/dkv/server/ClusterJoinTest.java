package io.dkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.core.storage.InMemoryStorage;
import io.dkv.protocol.ClientMessage.JoinOutcome;
import io.dkv.protocol.ClientMessage.JoinRequest;
import io.dkv.protocol.ClientMessage.JoinResponse;
import io.dkv.protocol.ClientMessage.Member;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcException;
import io.dkv.rpc.RpcServer;
import io.dkv.server.directory.DirectoryConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The joining node's side of JOIN, against a scripted member. */
class ClusterJoinTest {
  private static final List<Member> VOTERS = List.of(new Member("n1", "127.0.0.1", 7501),
      new Member("n2", "127.0.0.1", 7502), new Member("n3", "127.0.0.1", 7503));

  @TempDir
  Path dir;

  private RpcServer member;
  /** The joining node's storage, where it saves what its last answered join said. */
  private final InMemoryStorage storage = new InMemoryStorage();
  /** Every JOIN the scripted member received, with its request id. */
  private final List<Long> requestIds = new CopyOnWriteArrayList<>();
  private final List<JoinRequest> requests = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (member != null) {
      member.close();
    }
  }

  /** A member that answers the n-th JOIN (from 0) with {@code answer.apply(n)}. */
  private MemberAddress.HostPort member(Function<Integer, CompletableFuture<byte[]>> answer)
      throws InterruptedException {
    member = RpcServer.builder().listen("127.0.0.1", 0)
        .handle(Procedure.JOIN.id(), (ctx, body) -> {
          requestIds.add(ctx.requestId());
          requests.add((JoinRequest) MessageCodec.decodeRequest(Procedure.JOIN, body));
          return answer.apply(requestIds.size() - 1);
        })
        .build().start();
    return new MemberAddress.HostPort("127.0.0.1", member.localAddress().getPort());
  }

  private NodeConfig joining(MemberAddress.HostPort via) {
    return NodeConfig.joining("n4", new MemberAddress.HostPort("127.0.0.1", 7404), dir, via);
  }

  private static CompletableFuture<byte[]> answer(JoinOutcome outcome, String reason, List<Member> voters) {
    return CompletableFuture.completedFuture(MessageCodec.encode(
        new JoinResponse(outcome, 5, reason, 16, 2, voters)));
  }

  @Test
  void anAcceptedJoinGivesTheVotersQAndRfAndTheNodeIsNotAVoter() throws Exception {
    var via = member(n -> answer(JoinOutcome.ACCEPTED, "", VOTERS));
    DirectoryConfig settings = ClusterJoin.join(joining(via), 10_000, storage);
    assertThat(requests).containsExactly(new JoinRequest("n4", "127.0.0.1:7404"));
    assertThat(settings.voters()).containsExactly(new MemberAddress("n1", "127.0.0.1", 7501),
        new MemberAddress("n2", "127.0.0.1", 7502), new MemberAddress("n3", "127.0.0.1", 7503));
    assertThat(settings.partitionCount()).isEqualTo(16);
    assertThat(settings.replicationFactor()).isEqualTo(2);
    assertThat(settings.isVoter()).isFalse();
    assertThat(settings.storageDir()).isEqualTo(dir.resolve("directory"));
  }

  @Test
  void alreadyAMemberAtThisAddressIsARestartAndStartsLikeAJoin() throws Exception {
    var via = member(n -> answer(JoinOutcome.ALREADY_MEMBER, "node 'n4' already joined (state UP)", VOTERS));
    assertThat(ClusterJoin.join(joining(via), 10_000, storage).voters()).hasSize(3);
  }

  @Test
  void aRefusalStopsTheNodeWithTheDirectorysReason() throws Exception {
    var via = member(n -> answer(JoinOutcome.REFUSED, "node 'n4' already joined with address"
        + " 127.0.0.1:7999; it cannot join again at 127.0.0.1:7404", VOTERS));
    assertThatThrownBy(() -> ClusterJoin.join(joining(via), 10_000, storage))
        .isInstanceOf(ConfigException.class)
        .hasMessage("node n4 cannot join through " + via + ": node 'n4' already joined with address"
            + " 127.0.0.1:7999; it cannot join again at 127.0.0.1:7404");
    assertThat(requests).hasSize(1);
  }

  @Test
  void aVoterMayNotStartAsAJoiningNode() throws Exception {
    var via = member(n -> answer(JoinOutcome.ALREADY_MEMBER, "already joined",
        List.of(new Member("n4", "127.0.0.1", 7504))));
    assertThatThrownBy(() -> ClusterJoin.join(joining(via), 10_000, storage))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("node n4 is a directory voter")
        .hasMessageContaining("never with --join");
  }

  @Test
  void aBusyOrUndecidedMemberIsAskedAgainWithTheSameRequestId() throws Exception {
    var via = member(n -> switch (n) {
      case 0 -> CompletableFuture.failedFuture(new RpcException(ErrorCode.BUSY, "starting"));
      case 1 -> CompletableFuture.failedFuture(new RpcException(ErrorCode.TIMEOUT, "no leader"));
      default -> answer(JoinOutcome.ACCEPTED, "", VOTERS);
    });
    assertThat(ClusterJoin.join(joining(via), 10_000, storage).voters()).hasSize(3);
    assertThat(requestIds).hasSize(3).containsOnly(requestIds.get(0));
  }

  @Test
  void aMemberThatDoesNotServeJoinFailsAtOnceWithWhatItSaid() throws Exception {
    member = RpcServer.builder().listen("127.0.0.1", 0)
        .handle(Procedure.STATUS.id(), (ctx, body) -> CompletableFuture.completedFuture(new byte[0]))
        .build().start();
    var via = new MemberAddress.HostPort("127.0.0.1", member.localAddress().getPort());
    long start = System.nanoTime();
    assertThatThrownBy(() -> ClusterJoin.join(joining(via), 60_000, storage))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("node n4 cannot join through " + via + ": it answered UNKNOWN_PROCEDURE");
    assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start)).as("no retries").isLessThan(30);
  }

  @Test
  void anUnreachableMemberIsRetriedForTheBoundedTimeThenTheNodeFailsClearly() throws Exception {
    var via = new MemberAddress.HostPort("127.0.0.1", TestClusters.freePort()); // nothing listens
    long start = System.nanoTime();
    assertThatThrownBy(() -> ClusterJoin.join(joining(via), 1_500, storage))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("node n4 cannot join through " + via + ": no answer within 1 s")
        .hasMessageContaining("check that --join names the dkv address (HOST:PORT) of a running member");
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertThat(tookMillis).as("kept trying for the bound, and stopped").isBetween(1_000L, 20_000L);
  }

  /**
   * A joined node restarts while the member its --join names is down: it starts from the voters,
   * Q and RF saved at its last join instead of failing (it used to need that one member up).
   */
  @Test
  void aJoinedNodeRestartsFromItsSavedSettingsWhenItsMemberDoesNotAnswer() throws Exception {
    var via = member(n -> answer(JoinOutcome.ACCEPTED, "", VOTERS));
    DirectoryConfig joined = ClusterJoin.join(joining(via), 10_000, storage);
    member.close();
    member = null;

    DirectoryConfig restarted = ClusterJoin.join(joining(via), 1_000, storage); // one short attempt
    assertThat(restarted.voters()).isEqualTo(joined.voters());
    assertThat(restarted.partitionCount()).isEqualTo(16);
    assertThat(restarted.replicationFactor()).isEqualTo(2);
    assertThat(restarted.isVoter()).isFalse();
  }

  /** A refusal is an answer: saved settings never override what the directory said. */
  @Test
  void aRefusalAfterAnEarlierJoinStillFails() throws Exception {
    var via = member(n -> n == 0 ? answer(JoinOutcome.ACCEPTED, "", VOTERS)
        : answer(JoinOutcome.REFUSED, "node 'n4' is already a member at 127.0.0.1:9999", List.of()));
    ClusterJoin.join(joining(via), 10_000, storage);
    assertThatThrownBy(() -> ClusterJoin.join(joining(via), 10_000, storage))
        .isInstanceOf(ConfigException.class).hasMessageContaining("already a member at 127.0.0.1:9999");
  }

  @Test
  void savedSettingsRoundTripAndADamagedRecordFailsClearly() {
    SavedJoin saved = new SavedJoin(List.of(new MemberAddress("n1", "127.0.0.1", 7501)), 64, 3);
    saved.save(storage);
    assertThat(SavedJoin.load(storage)).contains(saved);
    storage.write(new io.dkv.core.storage.WriteBatch().put(io.dkv.core.storage.ColumnFamily.META,
        "directory/join".getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[] {1, 0}));
    assertThatThrownBy(() -> SavedJoin.load(storage)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("saved join settings").hasMessageContaining("partitionCount");
  }
}
