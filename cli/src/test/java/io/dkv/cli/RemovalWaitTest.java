package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.client.DkvClient;
import io.dkv.client.DkvTimeoutException;
import io.dkv.client.InvalidRequestException;
import io.dkv.protocol.ClientMessage.MemberMoves;
import io.dkv.protocol.ClientMessage.MemberState;
import io.dkv.protocol.ClientMessage.MoveStatusResponse;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.rpc.RpcException;
import io.dkv.rpc.RpcServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code dkv cluster remove n4 --wait} after the directory made n4 leaving at epoch 9, against a
 * scripted node whose answers to MOVE_STATUS move on one per poll. The clock is the test's: each
 * pause between polls moves it on by the pause, so nothing waits for real time.
 */
class RemovalWaitTest {
  private static final long LEAVE_EPOCH = 9;
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  private final StringWriter shown = new StringWriter();
  private final LiveDisplay display = new LiveDisplay(new PrintWriter(shown), false);
  private final List<Long> pauses = new ArrayList<>();
  private final AtomicInteger polls = new AtomicInteger();
  private long nowNanos;
  private RpcServer node;
  private DkvClient dkv;

  private final MoveWatch.Ticker ticker = new MoveWatch.Ticker() {
    @Override
    public long nanoTime() {
      return nowNanos;
    }

    @Override
    public void pause(long nanos) {
      pauses.add(nanos);
      nowNanos += nanos;
    }
  };

  @AfterEach
  void stop() {
    if (dkv != null) {
      dkv.close();
    }
    if (node != null) {
      node.close();
    }
  }

  /**
   * Q = 16, RF = 1 on n1 and n4, which held 8 each when it was told to leave: n4 in {@code state}
   * with {@code held} partitions, n1 with the others.
   */
  private static MoveStatusResponse view(long epoch, MemberState state, int held) {
    boolean draining = state == MemberState.LEAVING || state == MemberState.REMOVED;
    int target = draining ? 0 : 8;
    int moves = state == MemberState.LEAVING ? Math.min(held, 3) : 0;
    return new MoveStatusResponse(epoch, moves, List.of(
        new MemberMoves("n1", MemberState.UP, 16 - held, 16 - target, moves, 0),
        new MemberMoves("n4", state, held, target, 0, 0)), "n1", 0, 0);
  }

  /** A node that gives the answers in order, then the last one again; an exception fails that poll. */
  private RemovalWait waitFor(Object... answers) throws InterruptedException {
    node = RpcServer.builder().listen("127.0.0.1", 0)
        .handle(Procedure.MOVE_STATUS.id(), (ctx, body) -> {
          Object answer = answers[Math.min(polls.getAndIncrement(), answers.length - 1)];
          return answer instanceof RpcException e ? CompletableFuture.failedFuture(e)
              : CompletableFuture.completedFuture(MessageCodec.encode((MoveStatusResponse) answer));
        })
        .build().start();
    dkv = DkvClient.builder().endpoints("127.0.0.1:" + node.localAddress().getPort())
        .requestTimeout(Duration.ofSeconds(5)).build();
    return new RemovalWait("n4", LEAVE_EPOCH, display, new MoveWatch(dkv::moveStatus, display, ticker));
  }

  @Test
  void theDrainIsShownUntilTheNodeIsRemovedIgnoringAViewFromBeforeTheLeave() throws Exception {
    RemovalWait wait = waitFor(view(8, MemberState.UP, 8), view(9, MemberState.LEAVING, 8),
        view(12, MemberState.LEAVING, 2), view(15, MemberState.REMOVED, 0));
    DirectoryCommand.Result result = wait.await(600 * SECOND);
    assertThat(result.json()).containsExactly(java.util.Map.entry("node", "n4"),
        java.util.Map.entry("state", "removed"), java.util.Map.entry("epoch", 15L));
    assertThat(result.text()).isEqualTo("node n4 is removed (directory epoch 15): it holds no"
        + " partition, and its process can be stopped");
    assertThat(shown.toString().lines()).containsExactly(
        "n4 up [####################] 8/8 partitions, 0 moves in progress",
        "n4 leaving [--------------------] 8 left, 3 moves in progress",
        "n4 leaving [###############-----] 2 left, 2 moves in progress",
        "n4 is removed in this view (directory epoch 15)");
    assertThat(polls).hasValue(4);
    assertThat(pauses).containsExactly(SECOND, SECOND, SECOND);
  }

  /** A draining node that is down for a while is still being removed: the wait goes on. */
  @Test
  void aDownSpellDoesNotEndTheWait() throws Exception {
    RemovalWait wait = waitFor(view(9, MemberState.LEAVING, 8), view(11, MemberState.DOWN, 5),
        view(13, MemberState.LEAVING, 5), view(20, MemberState.REMOVED, 0));
    assertThat(wait.await(600 * SECOND).json()).containsEntry("state", "removed");
    assertThat(polls).hasValue(4);
  }

  @Test
  void aNodeRemovedAndJoinedAgainEndsTheWaitAsARefusalThatSaysWhatToDo() throws Exception {
    RemovalWait wait = waitFor(view(9, MemberState.LEAVING, 8), view(30, MemberState.JOINING, 0));
    assertThatThrownBy(() -> wait.await(600 * SECOND)).isInstanceOf(InvalidRequestException.class)
        .hasMessage("node n4 is joining at directory epoch 30: it was removed and has joined again"
            + " since; remove it again with dkv cluster remove n4");
    assertThat(polls).hasValue(2);
  }

  @Test
  void atTheDeadlineItTimesOutWithWhereTheDrainIsAfterALastPoll() throws Exception {
    RemovalWait wait = waitFor(view(9, MemberState.LEAVING, 8));
    assertThatThrownBy(() -> wait.await(2 * SECOND + SECOND / 2)).isInstanceOf(DkvTimeoutException.class)
        .hasMessage("node n4 is not removed after 2 s (n4 leaving [--------------------] 8 left,"
            + " 3 moves in progress); the removal goes on: watch it with dkv cluster status --watch");
    assertThat(pauses).containsExactly(SECOND, SECOND, SECOND / 2);
    assertThat(polls).hasValue(4);
  }

  @Test
  void aPollThatFailsIsShownAndAskedAgain() throws Exception {
    RemovalWait wait = waitFor(new RpcException(ErrorCode.INTERNAL, "scripted failure"),
        view(15, MemberState.REMOVED, 0));
    assertThat(wait.await(600 * SECOND).json()).containsEntry("state", "removed");
    assertThat(shown.toString().lines()).hasSize(2).first().asString()
        .startsWith("could not get the moves, asking again: ").contains("scripted failure");
  }
}
