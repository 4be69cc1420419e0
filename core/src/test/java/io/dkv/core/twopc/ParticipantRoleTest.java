package io.dkv.core.twopc;

import static io.dkv.core.twopc.NodeHarness.prepare;
import static io.dkv.core.twopc.NodeHarness.put;
import static io.dkv.core.twopc.NodeHarness.txn;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.PeerMessage.AbortReason;
import io.dkv.protocol.PeerMessage.Ack;
import io.dkv.protocol.PeerMessage.Decision;
import io.dkv.protocol.PeerMessage.Forget;
import io.dkv.protocol.PeerMessage.StatusQuery;
import io.dkv.protocol.PeerMessage.StatusReply;
import io.dkv.protocol.PeerMessage.TxnState;
import io.dkv.protocol.PeerMessage.Vote;
import io.dkv.protocol.PeerMessage.VoteKind;
import io.dkv.protocol.TxnId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The participant role of one node: votes, decisions, forgetting, answers to queries. */
class ParticipantRoleTest {
  private static final List<String> PARTS = List.of("p", "q");
  private final NodeHarness p = new NodeHarness("p");

  private Vote onlyVote(Output out) {
    assertThat(out.messages()).hasSize(1);
    assertThat(out.messages().get(0).to()).isEqualTo("c");
    return (Vote) out.messages().get(0).message();
  }

  private long commit(TxnId t, String key, Mutation m, long requestId) {
    Vote v = onlyVote(p.on(prepare("c", t, PARTS, key, m, requestId)));
    p.on(new Decision("c", t, true, v.version()));
    return v.version();
  }

  @Test
  void preparesDurablyBeforeVotingCommitAboveTheCommittedVersion() {
    TxnId t = txn("c", 1, 1);
    Output out = p.on(prepare("c", t, PARTS, "k", put("a"), 7));
    assertThat(out.syncNeeded()).as("PREPARED must be durable before the vote leaves").isTrue();
    assertThat(onlyVote(out)).isEqualTo(new Vote("p", t, VoteKind.COMMIT, AbortReason.NONE, 1));
    assertThat(p.record(t).phase()).isEqualTo(WorkerPhase.PREPARED);
    assertThat(p.node.stats().preparedKeys()).isEqualTo(1);

    // A re-sent PREPARE gets the same vote from the record, and nothing is written again.
    Output again = p.on(prepare("c", t, PARTS, "k", put("a"), 7));
    assertThat(onlyVote(again).version()).isEqualTo(1);
    assertThat(again.syncNeeded()).isFalse();
  }

  @Test
  void appliesACommitOnceWithDataRequestIdAndJournalTogether() {
    TxnId t = txn("c", 1, 1);
    onlyVote(p.on(prepare("c", t, PARTS, "k", put("a"), 7)));
    Output out = p.on(new Decision("c", t, true, 5));
    assertThat(out.syncNeeded()).isTrue();
    assertThat(out.messages()).extracting(e -> e.message()).containsExactly(new Ack("p", t));
    assertThat(p.data("k")).isEqualTo(new DataRecord(false, 5, Bytes.utf8("a")));
    assertThat(p.record(t).phase()).isEqualTo(WorkerPhase.COMMITTED);
    assertThat(p.node.stats().preparedKeys()).isZero();

    Output twice = p.on(new Decision("c", t, true, 5));
    assertThat(twice.messages()).extracting(e -> e.message()).containsExactly(new Ack("p", t));
    assertThat(p.data("k").version()).isEqualTo(5);
  }

  @Test
  void refusesDurablyWhenTheKeyIsLocked() {
    onlyVote(p.on(prepare("c", txn("c", 1, 1), PARTS, "k", put("a"), 1)));
    TxnId other = txn("d", 1, 1);
    Output out = p.on(prepare("c", other, PARTS, "k", put("b"), 2));
    assertThat(out.syncNeeded()).isTrue();
    assertThat(onlyVote(out)).isEqualTo(new Vote("p", other, VoteKind.ABORT, AbortReason.LOCK_CONFLICT, 0));
    assertThat(p.record(other).phase()).isEqualTo(WorkerPhase.REFUSED);
  }

  @Test
  void evaluatesConditionsAgainstTheCommittedState() {
    long v = commit(txn("c", 1, 1), "k", put("a"), 1);
    Vote pia = onlyVote(p.on(prepare("c", txn("c", 1, 2), PARTS, "k", new Mutation.PutIfAbsent(Bytes.utf8("b")), 2)));
    assertThat(pia).extracting(Vote::kind, Vote::reason, Vote::version)
        .containsExactly(VoteKind.ABORT, AbortReason.CONDITION_FAILED, v);
    Vote cas = onlyVote(p.on(prepare("c", txn("c", 1, 3), PARTS, "k", new Mutation.CompareAndSet(v + 1, Bytes.utf8("b")), 3)));
    assertThat(cas).extracting(Vote::reason, Vote::version).containsExactly(AbortReason.CONDITION_FAILED, v);
    Vote del = onlyVote(p.on(prepare("c", txn("c", 1, 4), PARTS, "absent", new Mutation.Delete(), 4)));
    assertThat(del).extracting(Vote::reason, Vote::version).containsExactly(AbortReason.NOT_FOUND, 0L);
    Vote same = onlyVote(p.on(prepare("c", txn("c", 1, 5), PARTS, "k", new Mutation.PutIfAbsent(Bytes.utf8("a")), 5)));
    assertThat(same.kind()).as("put-if-absent of the value already there succeeds").isEqualTo(VoteKind.COMMIT);
  }

  @Test
  void proposalsGrowAboveCommittedAndAbortedProposalsAndDeletesKeepTheirVersion() {
    TxnId t1 = txn("c", 1, 1);
    long v1 = onlyVote(p.on(prepare("c", t1, PARTS, "k", put("a"), 1))).version();
    p.on(new Decision("c", t1, false, 0));
    TxnId t2 = txn("c", 1, 2);
    long v2 = onlyVote(p.on(prepare("c", t2, PARTS, "k", put("b"), 2))).version();
    assertThat(v2).isGreaterThan(v1);
    p.on(new Decision("c", t2, true, v2 + 10)); // another participant proposed more
    long deleted = commit(txn("c", 1, 3), "k", new Mutation.Delete(), 3);
    assertThat(deleted).isEqualTo(v2 + 11);
    assertThat(p.data("k")).isEqualTo(new DataRecord(true, deleted, Bytes.EMPTY));
    long recreated = commit(txn("c", 1, 4), "k", new Mutation.CompareAndSet(0, Bytes.utf8("c")), 4);
    assertThat(recreated).isGreaterThan(deleted);
  }

  @Test
  void refusesAPrepareFromAnOlderIncarnationOfItsCoordinator() {
    onlyVote(p.on(prepare("c", txn("c", 2, 1), PARTS, "k1", put("a"), 1)));
    TxnId old = txn("c", 1, 9);
    assertThat(onlyVote(p.on(prepare("c", old, PARTS, "k2", put("a"), 2))))
        .extracting(Vote::kind, Vote::reason).containsExactly(VoteKind.ABORT, AbortReason.REFUSED);
    assertThat(p.record(old).phase()).isEqualTo(WorkerPhase.REFUSED);
  }

  @Test
  void aRequestThatCommittedIsRefusedAsDuplicateUnderAnotherTransaction() {
    long v = commit(txn("c", 1, 1), "k", put("a"), 42);
    TxnId retry = txn("d", 1, 1);
    Output out = p.on(prepare("c", retry, PARTS, "k", put("a"), 42));
    assertThat(out.syncNeeded()).as("the refusal is durable: the retry can never prepare here").isTrue();
    assertThat(onlyVote(out)).isEqualTo(new Vote("p", retry, VoteKind.DUPLICATE, AbortReason.REFUSED, v));
    assertThat(p.data("k").version()).isEqualTo(v);
  }

  @Test
  void forgetsDecidedRecordsAndAnswersLatePreparesFromTheTombstone() {
    TxnId t = txn("c", 1, 1);
    long v = commit(t, "k", put("a"), 1);
    p.on(new Forget("c", t));
    assertThat(p.record(t)).isNull();
    Output late = p.on(prepare("c", t, PARTS, "k", put("a"), 1));
    assertThat(onlyVote(late)).isEqualTo(new Vote("p", t, VoteKind.DUPLICATE, AbortReason.NONE, v));
    assertThat(p.node.stats().preparedKeys()).isZero();
    p.tickAt(p.now + NodeHarness.CONFIG.tombstoneTtlMillis());
    assertThat(p.node.stats().tombstones()).isZero();
  }

  @Test
  void ignoresAPrepareThatDoesNotListItAsParticipant() {
    Output out = p.on(prepare("c", txn("c", 1, 1), List.of("q"), "k", put("a"), 1));
    assertThat(out.messages()).isEmpty();
    assertThat(out.syncNeeded()).isFalse();
  }

  @Test
  void ignoresForgetWhilePrepared() {
    TxnId t = txn("c", 1, 1);
    onlyVote(p.on(prepare("c", t, PARTS, "k", put("a"), 1)));
    p.on(new Forget("x", t));
    assertThat(p.record(t).phase()).isEqualTo(WorkerPhase.PREPARED);
  }

  @Test
  void aQueryAboutAnUnknownTransactionIsRefusedDurablyFirst() {
    TxnId t = txn("c", 1, 1);
    Output out = p.on(new StatusQuery("q", t));
    assertThat(out.syncNeeded()).isTrue();
    assertThat(out.messages()).extracting(e -> e.message()).containsExactly(new StatusReply("p", t, TxnState.REFUSED, 0));
    assertThat(p.record(t).phase()).isEqualTo(WorkerPhase.REFUSED);
    // From now on the transaction can never be prepared here.
    assertThat(onlyVote(p.on(prepare("c", t, PARTS, "k", put("a"), 1))).kind()).isEqualTo(VoteKind.ABORT);
  }

  @Test
  void theCoordinatorItselfNeverRefusesOnAQueryItCannotPlace() {
    Output out = p.on(new StatusQuery("q", txn("p", 1, 1)));
    assertThat(out.messages()).isEmpty();
    assertThat(out.syncNeeded()).isFalse();
  }

  @Test
  void answersQueriesFromItsRecord() {
    TxnId t = txn("c", 1, 1);
    long proposal = onlyVote(p.on(prepare("c", t, PARTS, "k", put("a"), 1))).version();
    assertThat(p.on(new StatusQuery("q", t)).messages()).extracting(e -> e.message())
        .containsExactly(new StatusReply("p", t, TxnState.PREPARED, proposal));
    p.on(new Decision("c", t, true, 9));
    assertThat(p.on(new StatusQuery("q", t)).messages()).extracting(e -> e.message())
        .containsExactly(new StatusReply("p", t, TxnState.COMMITTED, 9));
  }
}
