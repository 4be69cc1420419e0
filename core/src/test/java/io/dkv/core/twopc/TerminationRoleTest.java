package io.dkv.core.twopc;

import static io.dkv.core.twopc.NodeHarness.prepare;
import static io.dkv.core.twopc.NodeHarness.put;
import static io.dkv.core.twopc.NodeHarness.txn;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.PeerMessage;
import io.dkv.protocol.PeerMessage.Ack;
import io.dkv.protocol.PeerMessage.Decision;
import io.dkv.protocol.PeerMessage.Forget;
import io.dkv.protocol.PeerMessage.Prepare;
import io.dkv.protocol.PeerMessage.StatusQuery;
import io.dkv.protocol.PeerMessage.StatusReply;
import io.dkv.protocol.PeerMessage.TxnState;
import io.dkv.protocol.TxnId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A participant's own initiatives: the termination protocol and finishing decided transactions. */
class TerminationRoleTest {
  private static final long AFTER = NodeHarness.CONFIG.terminationAfterMillis();
  private final NodeHarness p = new NodeHarness("p");
  private final TxnId t = txn("c", 1, 1);

  private long prepareWith(List<String> participants) {
    Output out = p.on(prepare("c", t, participants, "k", put("a"), 1));
    return ((PeerMessage.Vote) out.messages().get(0).message()).version();
  }

  private static List<String> envelopes(Output out) {
    return out.messages().stream().map(e -> e.message().getClass().getSimpleName() + "->" + e.to()).toList();
  }

  @Test
  void queriesEveryoneAfterTheTimeoutAndNotBefore() {
    prepareWith(List.of("p", "q", "r"));
    assertThat(p.tickAt(p.now + AFTER - 1).messages()).isEmpty();
    assertThat(envelopes(p.tickAt(p.now + 1)))
        .containsExactlyInAnyOrder("StatusQuery->q", "StatusQuery->r", "StatusQuery->c");
    assertThat(p.tickAt(p.now + AFTER / 2).messages()).as("rounds are terminationAfterMillis apart").isEmpty();
  }

  @Test
  void resendsThePrepareToACoordinatorThatIsAParticipant() {
    prepareWith(List.of("p", "c"));
    Output out = p.tickAt(p.now + AFTER);
    assertThat(envelopes(out)).containsExactlyInAnyOrder("StatusQuery->c", "Prepare->c");
    Prepare again = (Prepare) out.messages().stream().map(e -> e.message()).filter(m -> m instanceof Prepare).findFirst().orElseThrow();
    assertThat(again.writes()).extracting(Prepare.Write::key).containsExactly(Bytes.utf8("k"));
    assertThat(again.from()).isEqualTo("p");
  }

  @Test
  void commitsAtTheHighestProposalOnceEveryParticipantIsKnownPrepared() {
    long mine = prepareWith(List.of("p", "q", "r"));
    p.tickAt(p.now + AFTER);
    assertThat(p.on(new StatusReply("q", t, TxnState.PREPARED, mine + 3)).messages()).isEmpty();
    assertThat(p.on(new StatusReply("c", t, TxnState.UNDECIDED, 0)).messages()).isEmpty();
    Output decided = p.on(new StatusReply("r", t, TxnState.PREPARED, mine + 1));
    assertThat(decided.syncNeeded()).isTrue();
    assertThat(p.data("k").version()).isEqualTo(mine + 3);
    // It now finishes the transaction as the coordinator would.
    assertThat(envelopes(decided)).containsExactlyInAnyOrder("Decision->q", "Decision->r", "Decision->c");
  }

  @Test
  void abortsOnARefusalAndCommitsOnACommittedAnswer() {
    prepareWith(List.of("p", "q"));
    p.on(new StatusReply("q", t, TxnState.REFUSED, 0));
    assertThat(p.record(t).phase()).isEqualTo(WorkerPhase.ABORTED);
    assertThat(p.node.stats().preparedKeys()).isZero();

    TxnId t2 = txn("c", 1, 2);
    p.on(prepare("c", t2, List.of("p", "q"), "k", put("b"), 2));
    p.on(new StatusReply("c", t2, TxnState.COMMITTED, 9));
    assertThat(p.data("k")).isEqualTo(new DataRecord(false, 9, Bytes.utf8("b")));
  }

  @Test
  void theOnlyParticipantCommitsAloneWhenItsCoordinatorIsGone() {
    long mine = prepareWith(List.of("p"));
    p.tickAt(p.now + AFTER);
    assertThat(p.data("k").version()).isEqualTo(mine);
  }

  @Test
  void finishesADecidedTransactionWhoseForgetNeverCame() {
    prepareWith(List.of("p", "q"));
    p.on(new Decision("c", t, true, 4));
    assertThat(p.tickAt(p.now + AFTER - 1).messages()).isEmpty();
    Output round = p.tickAt(p.now + 1);
    assertThat(round.messages()).extracting(e -> e.message())
        .containsExactlyInAnyOrder(new Decision("p", t, true, 4), new Decision("p", t, true, 4));
    assertThat(p.on(new Ack("q", t)).messages()).isEmpty();
    Output done = p.on(new Ack("c", t));
    assertThat(done.messages()).extracting(e -> e.message()).containsExactlyInAnyOrder(new Forget("p", t), new Forget("p", t));
    assertThat(p.record(t)).isNull();
    assertThat(p.on(new StatusQuery("q", t)).messages()).extracting(e -> e.message())
        .containsExactly(new StatusReply("p", t, TxnState.COMMITTED, 4));
  }

  @Test
  void terminationStateAccumulatesPreparedFactsAcrossRounds() {
    TerminationState s = new TerminationState();
    s.track(t, "p", 2, 0);
    List<String> parts = List.of("p", "q", "r");
    assertThat(s.onPrepared(t, "q", 5, parts)).isNull();
    assertThat(s.onPrepared(t, "x", 9, parts)).as("not a participant").isNull();
    assertThat(s.due(10, 100)).containsExactly(t);
    assertThat(s.due(50, 100)).isEmpty();
    assertThat(s.onPrepared(t, "r", 3, parts)).isEqualTo(Outcome.commitAt(5));
  }
}
