package io.dkv.core.twopc;

import static io.dkv.core.twopc.NodeHarness.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.storage.ColumnFamily;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.PeerMessage;
import io.dkv.protocol.PeerMessage.AbortReason;
import io.dkv.protocol.PeerMessage.Ack;
import io.dkv.protocol.PeerMessage.Decision;
import io.dkv.protocol.PeerMessage.Forget;
import io.dkv.protocol.PeerMessage.Prepare;
import io.dkv.protocol.PeerMessage.StatusQuery;
import io.dkv.protocol.PeerMessage.StatusReply;
import io.dkv.protocol.PeerMessage.TxnState;
import io.dkv.protocol.PeerMessage.Vote;
import io.dkv.protocol.PeerMessage.VoteKind;
import io.dkv.protocol.TxnId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The coordinator role of a node that is not itself a participant. */
class CoordinatorRoleTest {
  private static final List<String> PARTS = List.of("p", "q");
  private final NodeHarness c = new NodeHarness("c");

  private TxnId write(long deadlineMillis) {
    Output out = c.client(new ClientCommand.Write(1, 42, NodeHarness.NS, Bytes.utf8("k"), put("a"), PARTS, 0, deadlineMillis));
    assertThat(out.syncNeeded()).as("nothing is decided, so nothing is logged before PREPARE").isFalse();
    assertThat(out.messages()).extracting(Envelope::to).containsExactly("p", "q");
    return out.messages().get(0).message().txn();
  }

  private static List<PeerMessage> messages(Output out) {
    return out.messages().stream().map(Envelope::message).toList();
  }

  private boolean hasDecisionRecord() {
    boolean[] found = {false};
    c.storage.scan(ColumnFamily.JOURNAL, new byte[] {'D'}, (k, v) -> found[0] = true);
    return found[0];
  }

  @Test
  void commitsAtTheHighestProposalAndAnswersAfterEveryAck() {
    TxnId t = write(c.now + 1_000);
    assertThat(t).isEqualTo(new TxnId("c", 1, 1));
    assertThat(c.on(new Vote("p", t, VoteKind.COMMIT, AbortReason.NONE, 3)).messages()).isEmpty();
    Output decided = c.on(new Vote("q", t, VoteKind.COMMIT, AbortReason.NONE, 5));
    assertThat(decided.syncNeeded())
        .as("GLOBAL-COMMIT needs no sync: every participant's durable PREPARED already fixes it").isFalse();
    assertThat(hasDecisionRecord()).as("logged, for a re-send after a restart").isTrue();
    assertThat(messages(decided)).containsExactly(new Decision("c", t, true, 5), new Decision("c", t, true, 5));
    assertThat(decided.results()).isEmpty();

    assertThat(c.on(new Ack("p", t)).results()).isEmpty();
    Output done = c.on(new Ack("q", t));
    assertThat(done.results()).containsExactly(new ClientResult.Written(1, WriteStatus.OK, 5));
    assertThat(messages(done)).containsExactly(new Forget("c", t), new Forget("c", t));
    assertThat(hasDecisionRecord()).isFalse();
    assertThat(c.node.stats().activeTransactions()).isZero();
  }

  @Test
  void mapsAbortReasonsToClientAnswersAfterLoggingTheAbort() {
    TxnId t = write(c.now + 1_000);
    Output out = c.on(new Vote("q", t, VoteKind.ABORT, AbortReason.CONDITION_FAILED, 4));
    assertThat(out.syncNeeded()).as("GLOBAL-ABORT is durable before it is sent").isTrue();
    assertThat(out.results()).containsExactly(new ClientResult.Written(1, WriteStatus.CONDITION_FAILED, 4));
    assertThat(messages(out)).containsExactly(new Decision("c", t, false, 0), new Decision("c", t, false, 0));

    TxnId t2 = write(c.now + 1_000);
    assertThat(c.on(new Vote("p", t2, VoteKind.ABORT, AbortReason.NOT_FOUND, 0)).results())
        .containsExactly(new ClientResult.Written(1, WriteStatus.NOT_FOUND, 0));
    TxnId t3 = write(c.now + 1_000);
    assertThat(c.on(new Vote("p", t3, VoteKind.ABORT, AbortReason.LOCK_CONFLICT, 0)).results())
        .singleElement().isInstanceOfSatisfying(ClientResult.Failed.class,
            f -> assertThat(f.code()).isEqualTo(ErrorCode.LOCK_CONFLICT));
  }

  @Test
  void aDuplicateOfAnotherTransactionAnswersTheFirstOutcomeAndAbortsThisOne() {
    TxnId t = write(c.now + 1_000);
    Output out = c.on(new Vote("p", t, VoteKind.DUPLICATE, AbortReason.REFUSED, 7));
    assertThat(out.results()).containsExactly(new ClientResult.Written(1, WriteStatus.OK, 7));
    assertThat(messages(out)).containsOnly(new Decision("c", t, false, 0));
  }

  @Test
  void aDuplicateOfThisVeryTransactionMeansItCommittedByTermination() {
    TxnId t = write(c.now + 1_000);
    Output out = c.on(new Vote("p", t, VoteKind.DUPLICATE, AbortReason.NONE, 7));
    assertThat(messages(out)).containsOnly(new Decision("c", t, true, 7));
    assertThat(out.results()).isEmpty();
  }

  @Test
  void retriesPreparesToNonVotersAndGivesUpUndecidedAtTheDeadline() {
    TxnId t = write(c.now + 120);
    c.on(new Vote("p", t, VoteKind.COMMIT, AbortReason.NONE, 1));
    Output retry = c.tickAt(c.now + NodeHarness.CONFIG.prepareRetryMillis());
    assertThat(retry.messages()).singleElement().satisfies(e -> {
      assertThat(e.to()).isEqualTo("q");
      assertThat(e.message()).isInstanceOf(Prepare.class);
    });
    Output late = c.tickAt(c.now + 100);
    assertThat(late.results()).singleElement().isInstanceOfSatisfying(ClientResult.Failed.class,
        f -> assertThat(f.code()).isEqualTo(ErrorCode.TIMEOUT));
    // The classic trap: no vote is no reason to abort. Nothing is decided, nothing is sent.
    assertThat(late.messages()).isEmpty();
    assertThat(hasDecisionRecord()).isFalse();
    assertThat(c.on(new StatusQuery("p", t)).messages()).isEmpty();
  }

  @Test
  void answersTerminationQueriesWhileCollectingAndAfterDeciding() {
    TxnId t = write(c.now + 1_000);
    assertThat(messages(c.on(new StatusQuery("p", t)))).containsExactly(new StatusReply("c", t, TxnState.UNDECIDED, 0));
    c.on(new Vote("p", t, VoteKind.COMMIT, AbortReason.NONE, 1));
    c.on(new Vote("q", t, VoteKind.COMMIT, AbortReason.NONE, 2));
    assertThat(messages(c.on(new StatusQuery("p", t)))).containsExactly(new StatusReply("c", t, TxnState.COMMITTED, 2));
  }

  @Test
  void adoptsADecisionLearnedWhileStillCollecting() {
    TxnId t = write(c.now + 1_000);
    Output out = c.on(new Decision("p", t, false, 0));
    assertThat(out.syncNeeded()).isTrue();
    assertThat(messages(out)).contains(new Decision("c", t, false, 0), new Ack("c", t));
    assertThat(out.results()).singleElement().isInstanceOf(ClientResult.Failed.class);
    assertThat(hasDecisionRecord()).isTrue();
  }

  @Test
  void decidedCommitKeepsResendingAfterTheDeadlineAndAForgetEndsIt() {
    TxnId t = write(c.now + 100);
    c.on(new Vote("p", t, VoteKind.COMMIT, AbortReason.NONE, 1));
    c.on(new Vote("q", t, VoteKind.COMMIT, AbortReason.NONE, 1));
    c.on(new Ack("p", t));
    Output late = c.tickAt(c.now + 100);
    assertThat(late.results()).singleElement().isInstanceOfSatisfying(ClientResult.Failed.class,
        f -> assertThat(f.code()).isEqualTo(ErrorCode.TIMEOUT));
    assertThat(messages(late)).containsExactly(new Decision("c", t, true, 1));
    c.on(new Forget("q", t)); // q finished the transaction itself: everyone has it
    assertThat(c.node.stats().activeTransactions()).isZero();
    assertThat(hasDecisionRecord()).isFalse();
  }

  @Test
  void rejectsWritesWithoutDistinctParticipants() {
    Output out = c.client(new ClientCommand.Write(3, 1, NodeHarness.NS, Bytes.utf8("k"), put("a"), List.of("p", "p"), 0, c.now + 100));
    assertThat(out.results()).singleElement().isInstanceOfSatisfying(ClientResult.Failed.class,
        f -> assertThat(f.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
  }
}
