package io.dkv.core.twopc;

import static io.dkv.core.twopc.NodeHarness.NS;
import static io.dkv.core.twopc.NodeHarness.put;
import static io.dkv.core.twopc.NodeHarness.txn;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.PeerMessage.AbortReason;
import io.dkv.protocol.PeerMessage.Decision;
import io.dkv.protocol.PeerMessage.Prepare;
import io.dkv.protocol.PeerMessage.Vote;
import io.dkv.protocol.PeerMessage.VoteKind;
import io.dkv.protocol.TxnId;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Copying a partition to its learner: a replica hands out committed keys of the partitions asked
 * for, in pages that stop before a held key, only once it knows the move; the learner installs
 * the newer of each copied and own version, and judges no condition while it learns.
 */
class PartitionCopyTest {
  private static final List<String> PARTS = List.of("r", "l");

  /** A view where a key's partition is its last character (a digit), all at {@code epoch}. */
  private record View(long epoch, long since, Set<Integer> learning) implements PartitionEpochs {
    @Override
    public long epochOf(String namespace, Bytes key) {
      return epoch;
    }

    @Override
    public long learnerSince(String namespace, Bytes key) {
      return learning.contains(partitionOf(namespace, key)) ? since : NOT_LEARNING;
    }

    @Override
    public int partitionOf(String namespace, Bytes key) {
      String k = key.toUtf8();
      return k.charAt(k.length() - 1) - '0';
    }

    @Override
    public long viewEpoch() {
      return epoch;
    }
  }

  private final NodeHarness replica = new NodeHarness("r");
  private final NodeHarness learner = new NodeHarness("l");
  private long nextTxn = 1;

  PartitionCopyTest() {
    replica.node.configure(new View(5, 5, Set.of()));
    learner.node.configure(new View(5, 5, Set.of(1, 2)));
  }

  private static Prepare prepare(TxnId t, String key, Mutation m, long epoch) {
    return new Prepare("c", t, epoch, PARTS, NS, Bytes.utf8(key), m, t.sequence());
  }

  /** Commits {@code m} on {@code key} at {@code node} alone, as its coordinator "c" would. */
  private long commit(NodeHarness node, String key, Mutation m) {
    TxnId t = txn("c", 1, nextTxn++);
    Vote v = (Vote) node.on(prepare(t, key, m, 5)).messages().get(0).message();
    assertThat(v.kind()).isEqualTo(VoteKind.COMMIT);
    node.on(new Decision("c", t, true, v.version()));
    return v.version();
  }

  private ClientResult ask(NodeHarness node, ClientCommand c) {
    return node.client(c).results().get(0);
  }

  private ClientResult.Copied copy(Set<Integer> partitions, Bytes after, int max) {
    return (ClientResult.Copied) ask(replica, new ClientCommand.Copy(1, partitions, 5, after, max));
  }

  /** Every page from {@code after} up to the done one (at most 100). */
  private List<ClientResult.Copied> pagesToTheEnd(Set<Integer> partitions, Bytes after, int max) {
    List<ClientResult.Copied> pages = new ArrayList<>();
    while (pages.size() < 100) {
      ClientResult.Copied page = copy(partitions, after, max);
      pages.add(page);
      if (page.done()) {
        return pages;
      }
      after = page.next();
    }
    throw new AssertionError("no done page in 100: " + pages);
  }

  private static List<CopiedEntry> requestsOf(List<ClientResult.Copied> pages) {
    return pages.stream().flatMap(p -> p.requests().stream()).toList();
  }

  private static List<String> keysOf(ClientResult.Copied page) {
    return page.entries().stream()
        .map(e -> DataKey.decode(e.key().unsafeArray()).key().toUtf8()).toList();
  }

  @Test
  void aReplicaCopiesTheCommittedKeysOfTheAskedPartitionsInPages() {
    for (String key : List.of("a1", "b2", "c3", "d1", "e2")) {
      commit(replica, key, put("v-" + key));
    }
    commit(replica, "d1", new Mutation.Delete());
    ClientResult.Copied first = copy(Set.of(1, 2), Bytes.EMPTY, 2);
    assertThat(keysOf(first)).containsExactly("a1", "b2");
    assertThat(first.done()).isFalse();
    ClientResult.Copied second = copy(Set.of(1, 2), first.next(), 2);
    assertThat(keysOf(second)).containsExactly("d1", "e2");
    ClientResult.Copied dataDone = copy(Set.of(1, 2), second.next(), 2);
    assertThat(dataDone.entries()).isEmpty();
    assertThat(dataDone.done()).as("the request-id records come next").isFalse();
    List<ClientResult.Copied> requestPages = pagesToTheEnd(Set.of(1, 2), dataDone.next(), 2);
    assertThat(requestPages).allMatch(p -> p.entries().isEmpty());
    assertThat(requestPages).allMatch(p -> p.requests().size() <= 2);
    assertThat(requestsOf(requestPages)).as("one per commit of a1, b2, d1 (twice), e2").hasSize(5);
    // The tombstone travels with its version, so the key stays deleted at the learner.
    DataRecord d1 = DataRecord.decode(second.entries().get(0).record().unsafeArray());
    assertThat(d1.tombstone()).isTrue();
    assertThat(d1.version()).isEqualTo(2);
  }

  @Test
  void aPageStopsBeforeAHeldKeyAndGoesOnOnceItIsDecided() {
    commit(replica, "a1", put("x"));
    commit(replica, "b1", put("y"));
    TxnId held = txn("c", 1, 99);
    Vote v = (Vote) replica.on(prepare(held, "b1", put("z"), 5)).messages().get(0).message();
    ClientResult.Copied page = copy(Set.of(1), Bytes.EMPTY, 10);
    assertThat(keysOf(page)).containsExactly("a1");
    assertThat(page.done()).isFalse();
    assertThat(keysOf(copy(Set.of(1), page.next(), 10))).isEmpty();

    replica.on(new Decision("c", held, true, v.version()));
    ClientResult.Copied rest = copy(Set.of(1), page.next(), 10);
    assertThat(keysOf(rest)).containsExactly("b1");
    assertThat(DataRecord.decode(rest.entries().get(0).record().unsafeArray()).value())
        .isEqualTo(Bytes.utf8("z"));
    assertThat(rest.done()).isFalse();
    assertThat(pagesToTheEnd(Set.of(1), rest.next(), 10).getLast().done()).isTrue();
  }

  @Test
  void aReplicaThatDoesNotKnowTheMoveYetRefusesToCopy() {
    ClientResult r = ask(replica, new ClientCommand.Copy(1, Set.of(1), 6, Bytes.EMPTY, 10));
    assertThat(r).isInstanceOf(ClientResult.Failed.class);
    assertThat(((ClientResult.Failed) r).code()).isEqualTo(ErrorCode.STALE_EPOCH);
    assertThat(((ClientResult.Failed) r).message()).contains("view is at epoch 5, before the"
        + " moves of the copy (up to epoch 6)");
  }

  @Test
  void theLearnerKeepsTheNewerOfTheCopiedAndItsOwnVersion() {
    commit(replica, "a1", put("old"));
    commit(replica, "a1", put("older copy"));
    commit(replica, "b1", put("only at the replica"));
    ClientResult.Copied page = copy(Set.of(1), Bytes.EMPTY, 10);
    // A write the learner took part in since the move: newer than the copy of a1.
    commit(learner, "a1", put("a"));
    commit(learner, "a1", put("b"));
    commit(learner, "a1", put("newest"));

    Output out = learner.client(new ClientCommand.Install(2, 5, page.entries(), List.of()));
    assertThat(out.syncNeeded()).isTrue();
    assertThat(out.results()).containsExactly(new ClientResult.Installed(2, 1));
    assertThat(learner.data("a1").value()).isEqualTo(Bytes.utf8("newest"));
    assertThat(learner.data("b1").value()).isEqualTo(Bytes.utf8("only at the replica"));
    assertThat(learner.data("b1").version()).isEqualTo(1);
  }

  @Test
  void anInstallIsRefusedWholeForAPartitionNotLearnedOrAKeyHeldFromBeforeTheMove() {
    commit(replica, "a1", put("x"));
    commit(replica, "c3", put("y"));
    List<CopiedEntry> both = new ArrayList<>(copy(Set.of(1, 3), Bytes.EMPTY, 10).entries());
    ClientResult r = ask(learner, new ClientCommand.Install(2, 5, both, List.of()));
    assertThat(((ClientResult.Failed) r).code()).isEqualTo(ErrorCode.STALE_EPOCH);
    assertThat(learner.data("a1").version()).as("nothing installed").isZero();
    // A copy asked for moves up to epoch 4 is for an older attempt than the move since 5.
    ClientResult otherAttempt = ask(learner, new ClientCommand.Install(2, 4, both.subList(0, 1), List.of()));
    assertThat(((ClientResult.Failed) otherAttempt).message()).contains("(its move started at 5)");
    // One asked for moves up to a later epoch covers the move since 5 (copies group moves).
    assertThat(ask(learner, new ClientCommand.Install(3, 9, both.subList(0, 1), List.of())))
        .isEqualTo(new ClientResult.Installed(3, 1));

    // Prepared while the learner's view was at epoch 4, before the move; still in doubt.
    TxnId old = txn("c", 1, 50);
    learner.node.configure(new View(4, 5, Set.of()));
    learner.on(prepare(old, "a1", put("from before"), 4));
    learner.node.configure(new View(5, 5, Set.of(1, 2)));
    ClientResult held = ask(learner, new ClientCommand.Install(2, 5, both.subList(0, 1), List.of()));
    assertThat(((ClientResult.Failed) held).code()).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(((ClientResult.Failed) held).message()).contains("of epoch 4, before the move");

    ClientResult garbage = ask(learner, new ClientCommand.Install(2, 5,
        List.of(new CopiedEntry(Bytes.utf8("\u0000"), Bytes.EMPTY)), List.of()));
    assertThat(((ClientResult.Failed) garbage).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
  }

  /**
   * After the data, the copy pages through the request-id records of its partitions (they used to
   * come all at once on the last page: one huge answer at a high write rate).
   */
  @Test
  void afterTheDataTheRequestIdRecordsOfItsPartitionsComeInPagesSoTheLearnerKnowsARetry() {
    commit(replica, "a1", put("x")); // request 1
    commit(replica, "b2", put("y")); // request 2, another partition
    ClientResult.Copied first = copy(Set.of(1), Bytes.EMPTY, 1);
    assertThat(first.done()).isFalse();
    assertThat(first.requests()).isEmpty();
    List<ClientResult.Copied> rest = pagesToTheEnd(Set.of(1), first.next(), 1);
    assertThat(rest).allMatch(p -> p.entries().isEmpty() && p.requests().size() <= 1);
    List<CopiedEntry> requests = requestsOf(rest);
    assertThat(requests).hasSize(1);
    CopiedEntry request = requests.get(0);
    assertThat(JournalInspector.dedup(request.key().unsafeArray(), request.record().unsafeArray()).requestId())
        .isEqualTo(1);

    ClientResult installed = ask(learner, new ClientCommand.Install(2, 5, first.entries(), requests));
    assertThat(installed).isEqualTo(new ClientResult.Installed(2, 1));
    // A retry of request 1, as a new transaction, is answered with the version it committed at.
    Vote retry = (Vote) learner.on(prepare(txn("c", 2, 1), "a1", put("x"), 5)).messages().get(0).message();
    assertThat(retry.kind()).isEqualTo(VoteKind.DUPLICATE);
    assertThat(retry.version()).isEqualTo(1);
  }

  @Test
  void requestIdRecordsThatAreNotOrOfAPartitionNotLearnedAreRefused() {
    commit(replica, "c3", put("x"));
    List<CopiedEntry> otherPartition = requestsOf(pagesToTheEnd(Set.of(3), Bytes.EMPTY, 10));
    ClientResult r = ask(learner, new ClientCommand.Install(2, 5, List.of(), otherPartition));
    assertThat(((ClientResult.Failed) r).code()).isEqualTo(ErrorCode.STALE_EPOCH);
    assertThat(((ClientResult.Failed) r).message()).contains("not the learner of ns:c3's partition");

    ClientResult garbage = ask(learner, new ClientCommand.Install(2, 5, List.of(),
        List.of(new CopiedEntry(Bytes.utf8("W"), Bytes.EMPTY))));
    assertThat(((ClientResult.Failed) garbage).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
    assertThat(((ClientResult.Failed) garbage).message()).contains("not a request-id key and record");
  }

  /**
   * A learner lacks what was committed before its move, so it votes for a write whose condition
   * fails against its own data; the replicas judge it.
   */
  @Test
  void aLearnerJudgesNoCondition() {
    TxnId t = txn("c", 1, 7);
    Vote v = (Vote) learner.on(prepare(t, "a1", new Mutation.CompareAndSet(4, Bytes.utf8("v")), 5))
        .messages().get(0).message();
    assertThat(v.kind()).isEqualTo(VoteKind.COMMIT);
  }

  /**
   * A replica whose view is older than the coordinator's may have become a learner without
   * knowing: it reports no failed condition, and refuses as stale instead.
   */
  @Test
  void aParticipantBehindTheCoordinatorsViewReportsNoFailedCondition() {
    TxnId t = txn("c", 1, 8);
    Vote v = (Vote) replica.on(prepare(t, "a1", new Mutation.CompareAndSet(4, Bytes.utf8("v")), 6))
        .messages().get(0).message();
    assertThat(v.kind()).isEqualTo(VoteKind.ABORT);
    assertThat(v.reason()).isEqualTo(AbortReason.STALE_EPOCH);
    TxnId same = txn("c", 1, 9);
    Vote known = (Vote) replica.on(prepare(same, "a1", new Mutation.CompareAndSet(4, Bytes.utf8("v")), 5))
        .messages().get(0).message();
    assertThat(known.reason()).isEqualTo(AbortReason.CONDITION_FAILED);
  }
}
