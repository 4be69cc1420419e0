package io.dkv.core.twopc;

import static io.dkv.core.twopc.NodeHarness.NS;
import static io.dkv.core.twopc.NodeHarness.put;
import static io.dkv.core.twopc.NodeHarness.txn;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.PeerMessage.AbortReason;
import io.dkv.protocol.PeerMessage.Decision;
import io.dkv.protocol.PeerMessage.Prepare;
import io.dkv.protocol.PeerMessage.Vote;
import io.dkv.protocol.PeerMessage.VoteKind;
import io.dkv.protocol.TxnId;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A failed condition reports the key's committed state, a read, so only a node its view names a
 * replica of the key's partition judges one. A leaving node still takes part in the partition's
 * writes, but once released it misses them, while its view may not show the release yet: found by
 * the fault suite, a removed node coordinating with such a view answered a compareAndSet with the
 * version before an acknowledged write (docs/reliability.md §3).
 */
class OnlyReplicasJudgeTest {
  private static final List<String> PARTS = List.of("n", "r");

  /** Every key in one partition at epoch 5; {@code replica} says whether this node replicates it. */
  private record View(boolean replica) implements PartitionEpochs {
    @Override
    public long epochOf(String namespace, Bytes key) {
      return 5;
    }

    @Override
    public boolean isReplica(String namespace, Bytes key) {
      return replica;
    }
  }

  private final NodeHarness node = new NodeHarness("n");

  private Vote prepare(long sequence, Mutation m, long epoch) {
    TxnId t = txn("c", 1, sequence);
    return (Vote) node.on(new Prepare("c", t, epoch, PARTS, NS, Bytes.utf8("k"), m, sequence)).messages().get(0)
        .message();
  }

  /** Writes version 1 of the key here, as its coordinator "c" would. */
  private void commitFirstVersion() {
    Vote v = prepare(1, put("old"), 5);
    node.on(new Decision("c", v.txn(), true, v.version()));
  }

  @Test
  void aLeavingNodeVotesForAWriteWhoseConditionFailsAgainstItsOwnData() {
    node.node.configure(new View(false));
    commitFirstVersion();

    Vote v = prepare(2, new Mutation.CompareAndSet(3, Bytes.utf8("new")), 5);

    assertThat(v.kind()).as("the replicas of the same write judge it").isEqualTo(VoteKind.COMMIT);
  }

  @Test
  void aReplicaJudges() {
    node.node.configure(new View(true));
    commitFirstVersion();

    Vote v = prepare(2, new Mutation.CompareAndSet(3, Bytes.utf8("new")), 5);

    assertThat(v.kind()).isEqualTo(VoteKind.ABORT);
    assertThat(v.reason()).isEqualTo(AbortReason.CONDITION_FAILED);
    assertThat(v.version()).isEqualTo(1);
  }

  /** A write routed with a newer view may have made this node a replica: it judges, and a failure is stale. */
  @Test
  void aLeavingNodeBehindTheCoordinatorJudgesAndRefusesAFailureAsStale() {
    node.node.configure(new View(false));
    commitFirstVersion();

    Vote v = prepare(2, new Mutation.CompareAndSet(3, Bytes.utf8("new")), 6);

    assertThat(v.kind()).isEqualTo(VoteKind.ABORT);
    assertThat(v.reason()).isEqualTo(AbortReason.STALE_EPOCH);
  }
}
