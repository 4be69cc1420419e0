package io.dkv.core.twopc;

import static io.dkv.core.twopc.NodeHarness.prepare;
import static io.dkv.core.twopc.NodeHarness.put;
import static io.dkv.core.twopc.NodeHarness.txn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.InMemoryStorage;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.PeerMessage.AbortReason;
import io.dkv.protocol.PeerMessage.Decision;
import io.dkv.protocol.PeerMessage.StatusQuery;
import io.dkv.protocol.PeerMessage.Vote;
import io.dkv.protocol.PeerMessage.VoteKind;
import io.dkv.protocol.TxnId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What {@link TwoPhaseNode#start} rebuilds from the journal. */
class RecoveryTest {

  @Test
  void startBumpsTheIncarnationDurablyBeforeAnythingLeaves() {
    InMemoryStorage disk = new InMemoryStorage();
    TwoPhaseNode first = new TwoPhaseNode("n", disk, NodeHarness.CONFIG);
    Output out = first.start(0);
    assertThat(out.syncNeeded()).isTrue();
    disk.sync();
    assertThat(first.stats().incarnation()).isEqualTo(1);
    // Lost before its sync, an incarnation is taken again: nothing of it ever left the node.
    TwoPhaseNode second = new TwoPhaseNode("n", disk, NodeHarness.CONFIG);
    second.start(0);
    disk.crash();
    TwoPhaseNode third = new TwoPhaseNode("n", disk, NodeHarness.CONFIG);
    third.start(0);
    assertThat(third.stats().incarnation()).isEqualTo(2);
    assertThatThrownBy(() -> third.start(0)).isInstanceOf(IllegalStateException.class);
    assertThat(disk.get(ColumnFamily.META, Journal.INCARNATION_KEY)).hasSize(8);
  }

  @Test
  void nothingRunsBeforeStart() {
    TwoPhaseNode n = new TwoPhaseNode("n", new InMemoryStorage(), NodeHarness.CONFIG);
    assertThatThrownBy(() -> n.tick(0)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void retakesLocksOfPreparedTransactionsAndQueriesAtOnce() {
    NodeHarness p = new NodeHarness("p");
    TxnId t = txn("c", 1, 1);
    p.on(prepare("c", t, List.of("p", "q"), "k", put("a"), 1));
    p.crashAndRestart();
    assertThat(p.node.stats().preparedKeys()).isEqualTo(1);
    assertThat(p.node.stats().inDoubtTransactions()).isEqualTo(1);
    assertThat(p.tickAt(p.now).messages()).extracting(e -> e.message())
        .contains(new StatusQuery("p", t));
    // The same proposal is voted again: it is the durable one.
    Vote again = (Vote) p.on(prepare("c", t, List.of("p", "q"), "k", put("a"), 1)).messages().get(0).message();
    assertThat(again).isEqualTo(new Vote("p", t, VoteKind.COMMIT, AbortReason.NONE, 1));
    ClientCommand.Read read = new ClientCommand.Read(5, NodeHarness.NS, Bytes.utf8("k"), p.now + 1_000);
    assertThat(p.client(read).results()).as("the key is still locked after the restart").isEmpty();
  }

  @Test
  void resendsEveryLoggedDecisionToEveryParticipant() {
    NodeHarness c = new NodeHarness("c");
    Output w = c.client(new ClientCommand.Write(1, 1, NodeHarness.NS, Bytes.utf8("k"), put("a"), List.of("p", "q"), 0, c.now + 1_000));
    TxnId t = w.messages().get(0).message().txn();
    c.on(new Vote("p", t, VoteKind.COMMIT, AbortReason.NONE, 2));
    c.on(new Vote("q", t, VoteKind.COMMIT, AbortReason.NONE, 3));
    c.storage.sync(); // a commit decision asks for no sync; a later step's group commit makes it durable
    c.on(new io.dkv.protocol.PeerMessage.Ack("p", t)); // acks are not persisted
    Output restarted = c.crashAndRestart();
    assertThat(restarted.messages()).extracting(Envelope::to).containsExactly("p", "q");
    assertThat(restarted.messages()).extracting(Envelope::message).containsOnly(new Decision("c", t, true, 3));
    assertThat(c.node.stats().activeTransactions()).isEqualTo(1);
    // New transactions get the new incarnation, so a stale one is never mistaken for them.
    Output next = c.client(new ClientCommand.Write(2, 2, NodeHarness.NS, Bytes.utf8("k"), put("b"), List.of("p"), 0, c.now + 1_000));
    assertThat(next.messages().get(0).message().txn()).isEqualTo(new TxnId("c", 2, 1));
  }
}
