package io.dkv.core.twopc;

import static io.dkv.core.twopc.NodeHarness.put;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.PeerMessage;
import io.dkv.protocol.PeerMessage.AbortReason;
import io.dkv.protocol.PeerMessage.Ack;
import io.dkv.protocol.PeerMessage.Decision;
import io.dkv.protocol.PeerMessage.Prepare;
import io.dkv.protocol.PeerMessage.Vote;
import io.dkv.protocol.PeerMessage.VoteKind;
import io.dkv.protocol.TxnId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Transactions that carry several client writes (docs/two-phase-commit.md §14). */
class SeveralWritesTest {
  private static final List<String> PARTS = List.of("p", "q");
  private final NodeHarness c = new NodeHarness("c");

  private static ClientCommand.Write write(long handle, String key, Mutation m, List<String> participants, long deadline) {
    return new ClientCommand.Write(handle, 100 + handle, NodeHarness.NS, Bytes.utf8(key), m, participants, 0, deadline);
  }

  private static List<Prepare> prepares(Output out) {
    return out.messages().stream().map(Envelope::message).filter(Prepare.class::isInstance).map(Prepare.class::cast).toList();
  }

  private static List<String> keys(Prepare p) {
    return p.writes().stream().map(w -> w.key().toUtf8()).toList();
  }

  @Test
  void writesWithTheSameParticipantsShareATransactionAndAreAnsweredAtItsVersion() {
    Output out = c.clients(List.of(write(1, "a", put("1"), PARTS, c.now + 1_000),
        write(2, "b", put("2"), PARTS, c.now + 1_000)));
    assertThat(out.messages()).extracting(Envelope::to).containsExactly("p", "q");
    Prepare p = prepares(out).get(0);
    assertThat(keys(p)).containsExactly("a", "b");
    assertThat(p.writes()).extracting(Prepare.Write::requestId).containsExactly(101L, 102L);
    TxnId t = p.txn();
    c.on(new Vote("p", t, VoteKind.COMMIT, AbortReason.NONE, 7));
    c.on(new Vote("q", t, VoteKind.COMMIT, AbortReason.NONE, 4));
    c.on(new Ack("p", t));
    assertThat(c.on(new Ack("q", t)).results()).containsExactly(
        new ClientResult.Written(1, WriteStatus.OK, 7), new ClientResult.Written(2, WriteStatus.OK, 7));
  }

  @Test
  void writesThatArriveWhileATransactionCollectsVotesWaitAndThenStartTogether() {
    TxnId first = prepares(c.client(write(1, "a", put("1"), PARTS, c.now + 1_000))).get(0).txn();
    assertThat(c.client(write(2, "b", put("2"), PARTS, c.now + 1_000)).messages()).isEmpty();
    assertThat(c.client(write(3, "c", put("3"), PARTS, c.now + 1_000)).messages()).isEmpty();
    Output other = c.client(write(4, "z", put("4"), List.of("p", "r"), c.now + 1_000));
    assertThat(other.messages()).as("other participants do not wait").extracting(Envelope::to).containsExactly("p", "r");

    c.on(new Vote("p", first, VoteKind.COMMIT, AbortReason.NONE, 1));
    Output decided = c.on(new Vote("q", first, VoteKind.COMMIT, AbortReason.NONE, 1));
    assertThat(decided.messages()).extracting(Envelope::message)
        .startsWith(new Decision("c", first, true, 1), new Decision("c", first, true, 1));
    assertThat(prepares(decided)).extracting(SeveralWritesTest::keys).containsExactly(List.of("b", "c"), List.of("b", "c"));
  }

  @Test
  void aSecondWriteToAKeyOfTheTransactionBeingFilledStartsTheNextOne() {
    Output out = c.clients(List.of(write(1, "a", put("1"), PARTS, c.now + 1_000),
        write(2, "b", put("2"), PARTS, c.now + 1_000),
        write(3, "a", put("3"), PARTS, c.now + 1_000)));
    Prepare first = prepares(out).get(0);
    assertThat(prepares(out)).extracting(SeveralWritesTest::keys).containsOnly(List.of("a", "b"));
    c.on(new Vote("p", first.txn(), VoteKind.COMMIT, AbortReason.NONE, 1));
    Output next = c.on(new Vote("q", first.txn(), VoteKind.COMMIT, AbortReason.NONE, 1));
    assertThat(prepares(next)).extracting(SeveralWritesTest::keys).containsOnly(List.of("a"));
  }

  @Test
  void aWriteStillWaitingAtItsDeadlineIsAnsweredAsNotApplied() {
    c.client(write(1, "a", put("1"), PARTS, c.now + 1_000));
    c.client(write(2, "b", put("2"), PARTS, c.now + 100));
    Output expired = c.tickAt(c.now + 100);
    assertThat(expired.results()).singleElement().isInstanceOfSatisfying(ClientResult.Failed.class, f -> {
      assertThat(f.handle()).isEqualTo(2);
      assertThat(f.code()).isEqualTo(ErrorCode.TIMEOUT);
      assertThat(f.message()).contains("was not applied");
    });
  }

  @Test
  void aRefusalOfOneWriteAnswersItsClientAndStartsTheOthersAgainInANewTransaction() {
    Output out = c.clients(List.of(write(1, "a", put("1"), PARTS, c.now + 1_000),
        write(2, "b", new Mutation.PutIfAbsent(Bytes.utf8("2")), PARTS, c.now + 1_000),
        write(3, "c", put("3"), PARTS, c.now + 1_000)));
    TxnId first = prepares(out).get(0).txn();
    Output refused = c.on(new Vote("q", first, VoteKind.ABORT, AbortReason.CONDITION_FAILED, 9, 1));
    assertThat(refused.syncNeeded()).as("the abort is durable before it is sent").isTrue();
    assertThat(refused.results()).containsExactly(new ClientResult.Written(2, WriteStatus.CONDITION_FAILED, 9));
    assertThat(refused.messages()).extracting(Envelope::message)
        .contains(new Decision("c", first, false, 0));
    Prepare again = prepares(refused).get(0);
    assertThat(again.txn()).isNotEqualTo(first);
    assertThat(keys(again)).containsExactly("a", "c");

    c.on(new Vote("p", first, VoteKind.COMMIT, AbortReason.NONE, 3));
    c.on(new Ack("p", first));
    assertThat(c.on(new Ack("q", first)).results()).as("the aborted transaction answers no one else").isEmpty();
    c.on(new Vote("p", again.txn(), VoteKind.COMMIT, AbortReason.NONE, 5));
    c.on(new Vote("q", again.txn(), VoteKind.COMMIT, AbortReason.NONE, 5));
    c.on(new Ack("p", again.txn()));
    assertThat(c.on(new Ack("q", again.txn())).results()).containsExactly(
        new ClientResult.Written(1, WriteStatus.OK, 5), new ClientResult.Written(3, WriteStatus.OK, 5));
  }

  @Test
  void aRefusalOfTheWholeTransactionAnswersEveryWrite() {
    Output out = c.clients(List.of(write(1, "a", put("1"), PARTS, c.now + 1_000),
        write(2, "b", put("2"), PARTS, c.now + 1_000)));
    TxnId t = prepares(out).get(0).txn();
    Output refused = c.on(new Vote("p", t, VoteKind.ABORT, AbortReason.REFUSED, 0));
    assertThat(refused.results()).extracting(ClientResult::handle).containsExactly(1L, 2L);
    assertThat(refused.results()).allSatisfy(r -> assertThat(((ClientResult.Failed) r).code()).isEqualTo(ErrorCode.TIMEOUT));
    assertThat(prepares(refused)).isEmpty();
  }

  @Test
  void eachWriteTimesOutAtItsOwnDeadlineAndTheTransactionIsDroppedAfterTheLast() {
    Output out = c.clients(List.of(write(1, "a", put("1"), PARTS, c.now + 100),
        write(2, "b", put("2"), PARTS, c.now + 1_000)));
    assertThat(prepares(out)).hasSize(2);
    Output early = c.tickAt(c.now + 100);
    assertThat(early.results()).extracting(ClientResult::handle).containsExactly(1L);
    assertThat(prepares(early)).as("still collecting votes for the other write").isNotEmpty();
    Output late = c.tickAt(c.now + 900);
    assertThat(late.results()).extracting(ClientResult::handle).containsExactly(2L);
    assertThat(c.node.stats().activeTransactions()).isZero();
  }

  @Test
  void aParticipantLocksEveryKeyProposesAboveAllAndAppliesEveryWriteAtTheCommitVersion() {
    NodeHarness p = new NodeHarness("p");
    TxnId older = NodeHarness.txn("c", 1, 1);
    p.on(NodeHarness.prepare("c", older, List.of("p"), "b", put("old"), 1));
    p.on(new Decision("c", older, true, 6));
    TxnId t = NodeHarness.txn("c", 1, 2);
    Prepare prepare = new Prepare("c", t, List.of("p"), List.of(
        new Prepare.Write(0, NodeHarness.NS, Bytes.utf8("a"), put("x"), 2),
        new Prepare.Write(0, NodeHarness.NS, Bytes.utf8("b"), put("y"), 3)));
    Output voted = p.on(prepare);
    assertThat(voted.syncNeeded()).isTrue();
    assertThat(voted.messages()).extracting(Envelope::message)
        .containsExactly(new Vote("p", t, VoteKind.COMMIT, AbortReason.NONE, 7));
    assertThat(p.node.stats().preparedKeys()).isEqualTo(2);

    p.on(new Decision("c", t, true, 7));
    assertThat(p.data("a").version()).isEqualTo(7);
    assertThat(p.data("a").value()).isEqualTo(Bytes.utf8("x"));
    assertThat(p.data("b").version()).isEqualTo(7);
    assertThat(p.data("b").value()).isEqualTo(Bytes.utf8("y"));
    assertThat(p.node.stats().preparedKeys()).isZero();
  }

  @Test
  void aParticipantRefusesTheWholeTransactionAndNamesTheFirstWriteThatFails() {
    NodeHarness p = new NodeHarness("p");
    TxnId holder = NodeHarness.txn("c", 1, 1);
    p.on(NodeHarness.prepare("c", holder, List.of("p"), "b", put("held"), 1));
    TxnId t = NodeHarness.txn("c", 1, 2);
    Output voted = p.on(new Prepare("c", t, List.of("p"), List.of(
        new Prepare.Write(0, NodeHarness.NS, Bytes.utf8("a"), put("x"), 2),
        new Prepare.Write(0, NodeHarness.NS, Bytes.utf8("b"), put("y"), 3))));
    assertThat(voted.syncNeeded()).as("the refusal is durable before the vote").isTrue();
    PeerMessage vote = voted.messages().get(0).message();
    assertThat(vote).isEqualTo(new Vote("p", t, VoteKind.ABORT, AbortReason.LOCK_CONFLICT, 0, 1));
    assertThat(p.record(t).phase()).isEqualTo(WorkerPhase.REFUSED);
    assertThat(p.node.stats().preparedKeys()).as("only the other transaction's key").isEqualTo(1);

    TxnId twice = NodeHarness.txn("c", 1, 3);
    Output sameKey = p.on(new Prepare("c", twice, List.of("p"), List.of(
        new Prepare.Write(0, NodeHarness.NS, Bytes.utf8("x"), put("1"), 4),
        new Prepare.Write(0, NodeHarness.NS, Bytes.utf8("x"), put("2"), 5))));
    assertThat(sameKey.messages().get(0).message())
        .isEqualTo(new Vote("p", twice, VoteKind.ABORT, AbortReason.LOCK_CONFLICT, 0, 1));
  }
}
