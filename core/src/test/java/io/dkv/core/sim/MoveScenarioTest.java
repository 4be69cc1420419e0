package io.dkv.core.sim;

import static io.dkv.core.sim.ScriptedCluster.to;
import static io.dkv.core.sim.ScriptedCluster.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.twopc.ClientCommand;
import io.dkv.core.twopc.ClientResult;
import io.dkv.core.twopc.CopiedEntry;
import io.dkv.core.twopc.PartitionEpochs;
import io.dkv.core.twopc.TwoPhaseConfig;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.PeerMessage.Decision;
import io.dkv.protocol.PeerMessage.Prepare;
import io.dkv.protocol.PeerMessage.Vote;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Hand-written scenarios of moving a key's partition to a learner, each one a bug the simulation
 * found, driven message by message. Each names the seed that found it and seeds of today's
 * simulation that fail without the fix (replay with {@code -Ddkv.sim.seed=N}).
 */
class MoveScenarioTest {
  private static final TwoPhaseConfig CONFIG = new TwoPhaseConfig(50, 50, 200, 5_000, 60_000);
  private static final long NEVER = Long.MAX_VALUE;

  /**
   * A view where every key is in partition 0 at {@code epoch}, learned by this node since {@code
   * since} (or not), with this node a replica of it (or not).
   */
  private record View(long epoch, long since, boolean replica) implements PartitionEpochs {
    static View replica(long epoch) {
      return new View(epoch, NOT_LEARNING, true);
    }

    static View learner(long epoch, long since) {
      return new View(epoch, since, false);
    }

    /** A leaving node, or one with no role in the partition. */
    static View notReplica(long epoch) {
      return new View(epoch, NOT_LEARNING, false);
    }

    @Override
    public long epochOf(String namespace, Bytes key) {
      return epoch;
    }

    @Override
    public long learnerSince(String namespace, Bytes key) {
      return since;
    }

    @Override
    public boolean isReplica(String namespace, Bytes key) {
      return replica;
    }

    @Override
    public int partitionOf(String namespace, Bytes key) {
      return 0;
    }

    @Override
    public long viewEpoch() {
      return epoch;
    }
  }

  private static Mutation put(String v) {
    return new Mutation.Put(Bytes.utf8(v));
  }

  /**
   * Partition 0 copied from the start, page after page, as one result: every page's entries and
   * request-id records, done when the last page was; it stops early at a page that brings nothing
   * and is not done (a held key stops it). Pages use handles {@code handle * 1000 + i}.
   */
  private static ClientResult.Copied copy(ScriptedCluster c, String from, long handle, long since) {
    List<CopiedEntry> entries = new ArrayList<>();
    List<CopiedEntry> requests = new ArrayList<>();
    Bytes after = Bytes.EMPTY;
    for (int i = 0; i < 100; i++) {
      long pageHandle = handle * 1000 + i;
      c.client(from, new ClientCommand.Copy(pageHandle, Set.of(0), since, after, 10));
      ClientResult.Copied page = (ClientResult.Copied) c.result(pageHandle);
      entries.addAll(page.entries());
      requests.addAll(page.requests());
      boolean stalled = page.entries().isEmpty() && page.requests().isEmpty() && !page.done();
      if (page.done() || stalled) {
        return new ClientResult.Copied(handle, entries, requests, page.next(), page.done());
      }
      after = page.next();
    }
    throw new AssertionError("no done page in 100");
  }

  private static ClientResult install(ScriptedCluster c, String learner, long handle, long since,
                                      ClientResult.Copied page) {
    c.client(learner, new ClientCommand.Install(handle, since, page.entries(), page.requests()));
    return c.result(handle);
  }

  private static long version(ClientResult r) {
    assertThat(r).isInstanceOf(ClientResult.Written.class);
    assertThat(((ClientResult.Written) r).status()).isEqualTo(WriteStatus.OK);
    return ((ClientResult.Written) r).version();
  }

  /** Seed 407 (today 1002, 1018): a first write of a key has no value to stop a page at, only a lock. */
  @Test
  void aCopyPageStopsBeforeAKeyHeldByAFirstWriteFromBeforeTheMove() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    c.write("n1", 1, 100, "k", put("a"), List.of("n1", "n2"), 0, NEVER);
    c.deliverAll(type(Prepare.class)); // prepared at both replicas, the votes still on their way

    // The move to n3 starts at epoch 5; n1 knows it, so it copies.
    c.configure("n1", View.replica(5));
    c.configure("n2", View.replica(5));
    c.configure("n3", View.learner(5, 5));
    ClientResult.Copied early = copy(c, "n1", 10, 5);
    assertThat(early.done()).as("a page past a key a transaction holds").isFalse();
    assertThat(early.entries()).isEmpty();

    c.deliverAll(); // the write commits at n1 and n2 (routed before the move: not at n3)
    ClientResult.Copied page = copy(c, "n1", 11, 5);
    assertThat(page.done()).isTrue();
    assertThat(install(c, "n3", 12, 5, page)).isEqualTo(new ClientResult.Installed(12, 1));
    assertThat(c.data("n3", "k").value()).isEqualTo(Bytes.utf8("a"));
  }

  /**
   * Seed 19264: the data pages came from a replica that had committed a putIfAbsent, the request-id
   * records from one that had only prepared it, so the learner missed its record, and once a
   * replica took the client's retry for a new request. A replica serves the records only when no
   * write from before the move holds a key of the partitions there.
   */
  @Test
  void requestIdRecordsWaitUntilNoWriteFromBeforeTheMoveHoldsAKeyAtTheReplicaThatSendsThem() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    c.write("n1", 1, 100, "k", new Mutation.PutIfAbsent(Bytes.utf8("a")), List.of("n1", "n2"), 0, NEVER);
    c.deliverAll(type(Prepare.class));
    c.deliverAll(type(Vote.class));
    c.deliverAll(type(Decision.class).and(to("n1"))); // committed at n1; n2 has only prepared it

    c.configure("n1", View.replica(5));
    c.configure("n2", View.replica(5));
    c.configure("n3", View.learner(5, 5));
    c.client("n2", new ClientCommand.Copy(10, Set.of(0), 5, Bytes.wrap(new byte[] {(byte) 0xFF}), 10));
    ClientResult.Copied waiting = (ClientResult.Copied) c.result(10);
    assertThat(waiting.done()).as("n2 still holds the write from before the move").isFalse();
    assertThat(waiting.requests()).isEmpty();

    c.deliverAll(); // n2 commits it, with its request-id record
    c.client("n2", new ClientCommand.Copy(11, Set.of(0), 5, waiting.next(), 10));
    ClientResult.Copied records = (ClientResult.Copied) c.result(11);
    assertThat(records.done()).isTrue();
    assertThat(records.requests()).hasSize(1);
  }

  /** Seed 268 (today 1, 1070): the copy already holds the learner's own prepared write, which then commits. */
  @Test
  void anInstallWaitsUntilAWriteTheLearnerTakesPartInIsDecidedThere() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2");
    c.configure("n1", View.replica(5));
    c.configure("n2", View.learner(5, 5));
    c.write("n1", 1, 100, "k", put("a"), List.of("n1", "n2"), 5, NEVER);
    c.deliverAll(type(Prepare.class));
    c.deliverAll(type(Vote.class));
    c.deliverAll(type(Decision.class).and(to("n1"))); // committed at n1; the decision to n2 waits

    ClientResult.Copied page = copy(c, "n1", 10, 5);
    assertThat(page.entries()).hasSize(1);
    ClientResult refused = install(c, "n2", 11, 5, page);
    assertThat(refused).isInstanceOfSatisfying(ClientResult.Failed.class,
        f -> assertThat(f.code()).isEqualTo(ErrorCode.UNAVAILABLE));

    c.deliverAll(); // n2 commits its own write, at the version the page holds
    assertThat(version(c.result(1))).isEqualTo(1);
    assertThat(install(c, "n2", 12, 5, page)).isEqualTo(new ClientResult.Installed(12, 0));
    assertThat(c.data("n2", "k").version()).isEqualTo(1);
  }

  /** Seeds 110 and 335 (today 1037, 1332): a retried request reaches replicas that never saw its first attempt. */
  @Test
  void aReplicaThatCopiedAKeyRecognisesARetryOfARequestThatCommittedBeforeItsMove() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2");
    c.write("n1", 1, 100, "k", new Mutation.PutIfAbsent(Bytes.utf8("a")), List.of("n1"), 0, NEVER);
    c.deliverAll();
    long first = version(c.result(1));

    // n2 copies the key as the learner that replaces n1, is promoted, and n1 is released.
    c.configure("n1", View.replica(5));
    c.configure("n2", View.learner(5, 5));
    ClientResult.Copied page = copy(c, "n1", 10, 5);
    assertThat(install(c, "n2", 11, 5, page)).isInstanceOf(ClientResult.Installed.class);
    c.configure("n1", View.notReplica(7));
    c.configure("n2", View.replica(7));

    // The client, which never heard of its first attempt, retries through n2: answered, not redone.
    c.write("n2", 2, 100, "k", new Mutation.PutIfAbsent(Bytes.utf8("a")), List.of("n2"), 7, NEVER);
    c.deliverAll();
    assertThat(version(c.result(2))).isEqualTo(first);
    assertThat(c.data("n2", "k").version()).isEqualTo(first);
  }

  /** Seed 2072 (today 566, 791): promoted to the key's only replica, the learner had not seen its promotion yet. */
  @Test
  void aLearnerBehindTheRouteOfAWriteJudgesItsConditionForItMayBeItsOnlyReplica() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2");
    c.write("n1", 1, 100, "k", put("a"), List.of("n1"), 0, NEVER);
    c.deliverAll();
    c.configure("n1", View.replica(5));
    c.configure("n2", View.learner(5, 5));
    install(c, "n2", 11, 5, copy(c, "n1", 10, 5));
    c.write("n1", 2, 200, "k", put("b"), List.of("n1", "n2"), 5, NEVER);
    c.deliverAll();
    assertThat(version(c.result(2))).isEqualTo(2);

    // Promoted and n1 released (epoch 7): n2 is the only replica, but its view still says learner.
    c.configure("n1", View.notReplica(7));
    c.write("n1", 3, 300, "k", new Mutation.CompareAndSet(1, Bytes.utf8("lost update")), List.of("n2"), 7, NEVER);
    c.deliverAll();
    assertThat(c.result(3)).isInstanceOfSatisfying(ClientResult.Failed.class,
        f -> assertThat(f.code()).isEqualTo(ErrorCode.STALE_EPOCH));
    assertThat(c.data("n2", "k").value()).isEqualTo(Bytes.utf8("b"));
  }

  /**
   * Seed 36786 and six more of 40 000 (today 202, 1973): released, n2 has not seen its release yet,
   * so it still holds its lease and its old data, and takes a PREPARE routed with its own view.
   */
  @Test
  void aReleasedNodeThatHasNotSeenItsReleaseReportsNoFailedConditionFromItsOldData() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    c.configure("n1", View.replica(5));
    c.configure("n2", View.notReplica(5)); // n3 replaced it
    c.configure("n3", View.replica(5));
    c.write("n1", 1, 100, "k", put("a"), List.of("n1", "n3", "n2"), 5, NEVER);
    c.deliverAll();
    // n2 is released at epoch 6 (its view had epoch 5); n1 and n3 write on without it.
    c.configure("n1", View.replica(6));
    c.configure("n3", View.replica(6));
    c.write("n1", 2, 200, "k", put("b"), List.of("n1", "n3"), 6, NEVER);
    c.deliverAll();
    assertThat(version(c.result(2))).isEqualTo(2);

    // Routed by n2's own view; n2's refusal from its old data reaches n2 first.
    c.write("n2", 3, 300, "k", new Mutation.CompareAndSet(2, Bytes.utf8("c")), List.of("n1", "n3", "n2"), 5, NEVER);
    c.deliverAll(to("n2"));
    c.deliverAll();
    assertThat(c.result(3)).as("a stale configuration, not a condition failed at an old version")
        .isInstanceOfSatisfying(ClientResult.Failed.class, f -> assertThat(f.code()).isEqualTo(ErrorCode.STALE_EPOCH));
  }
}
