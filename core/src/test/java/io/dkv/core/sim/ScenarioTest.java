package io.dkv.core.sim;

import static io.dkv.core.sim.ScriptedCluster.from;
import static io.dkv.core.sim.ScriptedCluster.to;
import static io.dkv.core.sim.ScriptedCluster.type;
import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.sim.ScriptedCluster.InFlight;
import io.dkv.core.twopc.ClientResult;
import io.dkv.core.twopc.PartitionEpochs;
import io.dkv.core.twopc.JournalInspector.DataView;
import io.dkv.core.twopc.TwoPhaseConfig;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.PeerMessage.Decision;
import io.dkv.protocol.PeerMessage.Prepare;
import io.dkv.protocol.PeerMessage.StatusQuery;
import io.dkv.protocol.PeerMessage.Vote;
import io.dkv.protocol.PeerMessage.VoteKind;
import io.dkv.protocol.TxnId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hand-written crash and termination scenarios, each driven message by message. */
class ScenarioTest {
  private static final long TERMINATION_MILLIS = 200;
  private static final TwoPhaseConfig CONFIG = new TwoPhaseConfig(50, 50, TERMINATION_MILLIS, 5_000, 60_000);
  private static final List<String> N123 = List.of("n1", "n2", "n3");

  private static Mutation put(String v) {
    return new Mutation.Put(Bytes.utf8(v));
  }

  private static TxnId txnInFlight(ScriptedCluster c) {
    return c.inFlight.stream().filter(f -> f.message() instanceof Prepare).findFirst().orElseThrow().message().txn();
  }

  private static void assertCommittedEverywhere(ScriptedCluster c, List<String> replicas, String value) {
    DataView first = c.data(replicas.get(0), "k");
    assertThat(first).isNotNull();
    assertThat(first.value()).isEqualTo(Bytes.utf8(value));
    for (String r : replicas) {
      assertThat(c.data(r, "k")).as("replica " + r).isEqualTo(first);
    }
  }

  private static void assertForgottenEverywhere(ScriptedCluster c) {
    for (String id : c.nodes.keySet()) {
      assertThat(c.txnRecords(id)).as("journal records at " + id).isZero();
      assertThat(c.node(id).core.stats().preparedKeys()).as("locks at " + id).isZero();
    }
  }

  /** A put through n1 to n1-n3, delivered until only n3's vote, the deciding one, is in flight. */
  private static TxnId writeUpToTheDecidingVote(ScriptedCluster c) {
    c.write("n1", 1, 100, "k", put("a"), N123, c.now + 5_000);
    TxnId txn = txnInFlight(c);
    c.deliverAll(type(Prepare.class));
    c.deliver(type(Vote.class).and(from("n1")).or(type(Vote.class).and(from("n2"))));
    return txn;
  }

  @Test
  void coordinatorCrashesAfterLoggingCommitBeforeSendingIt() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    TxnId txn = writeUpToTheDecidingVote(c);
    InFlight last = c.take(type(Vote.class));
    // The last vote makes n1 decide; a group commit makes the decision record durable (with
    // other steps' records), then n1 dies before sending the decision.
    c.stepSyncThenCrash("n1", n -> n.core.onMessage(last.message(), c.now));
    assertThat(c.inFlight).noneMatch(f -> f.message() instanceof Decision);
    assertThat(c.worker("n2", txn).prepared()).isTrue();

    c.restart("n1"); // re-sends the logged decision to every participant
    assertThat(c.inFlight).filteredOn(f -> f.message() instanceof Decision).hasSize(3);
    c.deliverAll();
    assertCommittedEverywhere(c, N123, "a");
    assertForgottenEverywhere(c);
  }

  @Test
  void coordinatorLosesItsUnsyncedCommitDecisionAndTheParticipantsCommitByTermination() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    TxnId txn = writeUpToTheDecidingVote(c);
    InFlight last = c.take(type(Vote.class));
    // A commit decision needs no sync (every participant's PREPARED is durable): the crash right
    // after the step loses the decision record, and nothing of the decision has left.
    c.stepThenCrash("n1", n -> n.core.onMessage(last.message(), c.now));
    assertThat(c.inFlight).noneMatch(f -> f.message() instanceof Decision);

    c.restart("n1");
    assertThat(c.inFlight).noneMatch(f -> f.message() instanceof Decision);
    assertThat(c.worker("n1", txn).prepared()).as("n1's own PREPARED record is durable").isTrue();
    c.run(TERMINATION_MILLIS + 100);
    assertCommittedEverywhere(c, N123, "a");
    c.run(TERMINATION_MILLIS + 200);
    assertForgottenEverywhere(c);
  }

  @Test
  void coordinatorCrashesBeforeDecidingWithAllPreparedThenParticipantsCommitByTermination() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3", "n4");
    c.write("n4", 1, 100, "k", put("a"), N123, c.now + 5_000);
    TxnId txn = txnInFlight(c);
    c.deliverAll(type(Prepare.class));
    c.drop(type(Vote.class));
    c.crash("n4");

    c.run(TERMINATION_MILLIS + 100);
    assertCommittedEverywhere(c, N123, "a");
    for (String id : N123) {
      assertThat(c.worker(id, txn).committed()).isTrue();
    }
    // Each participant keeps its decided record until the coordinator has acknowledged too.
    c.restart("n4");
    c.run(TERMINATION_MILLIS + 200);
    assertForgottenEverywhere(c);
  }

  @Test
  void participantCrashesAfterPreparingAndCommitsAfterRestart() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    c.write("n1", 1, 100, "k", put("a"), N123, c.now + 5_000);
    InFlight toN2 = c.take(type(Prepare.class).and(to("n2")));
    c.deliverAll(type(Prepare.class));
    c.stepThenCrash("n2", n -> n.core.onMessage(toN2.message(), c.now)); // vote never leaves
    c.restart("n2");
    assertThat(c.node("n2").core.stats().preparedKeys()).as("lock re-taken from the journal").isEqualTo(1);
    c.read("n2", 9, "k", c.now + 5_000);
    assertThat(c.result(9)).as("a read of a prepared key waits").isNull();

    c.run(TERMINATION_MILLIS + 100);
    assertThat(c.result(1)).isInstanceOf(ClientResult.Written.class);
    assertCommittedEverywhere(c, N123, "a");
    assertThat(c.result(9)).isEqualTo(new ClientResult.ReadValue(9, true, c.data("n2", "k").version(), Bytes.utf8("a")));
    assertForgottenEverywhere(c);
  }

  @Test
  void participantCrashesBeforeItsPreparedRecordIsDurableAndPreparesAgain() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    c.write("n1", 1, 100, "k", put("a"), N123, c.now + 5_000);
    TxnId txn = txnInFlight(c);
    InFlight toN2 = c.take(type(Prepare.class).and(to("n2")));
    c.deliverAll(type(Prepare.class));
    c.stepThenCrashBeforeSync("n2", n -> n.core.onMessage(toN2.message(), c.now));
    c.restart("n2");
    assertThat(c.worker("n2", txn)).as("the unsynced PREPARED record is lost").isNull();

    c.run(TERMINATION_MILLIS);
    assertThat(((ClientResult.Written) c.result(1)).status()).isEqualTo(WriteStatus.OK);
    assertCommittedEverywhere(c, N123, "a");
  }

  @Test
  void participantThatNeverGotThePrepareRefusesDurablyDuringTermination() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3", "n4");
    c.write("n4", 1, 100, "k", put("a"), N123, c.now + 5_000);
    TxnId txn = txnInFlight(c);
    InFlight late = c.take(type(Prepare.class).and(to("n3")));
    c.deliverAll(type(Prepare.class));
    c.drop(type(Vote.class));
    c.crash("n4");

    c.run(TERMINATION_MILLIS + 100);
    assertThat(c.worker("n3", txn).phase()).isEqualTo("REFUSED");
    assertThat(c.node("n3").storage.durableView(io.dkv.core.storage.ColumnFamily.JOURNAL)).isNotEmpty();
    assertThat(c.worker("n1", txn).phase()).isEqualTo("ABORTED");
    assertThat(c.worker("n2", txn).phase()).isEqualTo("ABORTED");
    assertThat(c.data("n1", "k")).isNull();

    // Even if the PREPARE it never got shows up now, n3 cannot prepare it any more.
    c.deliverNow(late);
    assertThat(c.node("n3").core.stats().preparedKeys()).isZero();
    assertThat(c.inFlight).anyMatch(f -> f.message() instanceof Vote v && v.kind() == VoteKind.ABORT);

    c.restart("n4");
    c.run(TERMINATION_MILLIS + 200);
    assertForgottenEverywhere(c);
  }

  @Test
  void coordinatorThatLostItsOwnPrepareIsAskedAgainAndRefusesAfterRestart() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    c.write("n1", 1, 100, "k", put("a"), N123, c.now + 5_000);
    TxnId txn = txnInFlight(c);
    c.drop(type(Prepare.class).and(to("n1")));
    c.deliverAll(type(Prepare.class));
    c.drop(type(Vote.class));
    c.crash("n1");
    c.restart("n1");

    c.run(3 * TERMINATION_MILLIS);
    // n1 could not tell from a bare query whether it was a participant; the re-sent PREPARE
    // reached it in a newer incarnation, so it refused, and the others aborted.
    assertThat(c.data("n2", "k")).isNull();
    assertThat(c.data("n3", "k")).isNull();
    assertForgottenEverywhere(c);
    assertThat(c.worker("n2", txn)).isNull();
  }

  @Test
  void delayedDuplicatePrepareAfterForgetIsAnsweredFromTheTombstone() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    c.write("n1", 1, 100, "k", put("a"), N123, c.now + 5_000);
    InFlight duplicate = c.inFlight.stream().filter(type(Prepare.class).and(to("n2"))).findFirst().orElseThrow();
    c.deliverAll();
    ClientResult.Written ok = (ClientResult.Written) c.result(1);
    assertForgottenEverywhere(c);

    c.deliverNow(duplicate);
    assertThat(c.node("n2").core.stats().preparedKeys()).isZero();
    assertThat(c.txnRecords("n2")).isZero();
    assertThat(c.inFlight).singleElement().satisfies(f -> assertThat(f.message())
        .isEqualTo(new Vote("n2", duplicate.message().txn(), VoteKind.DUPLICATE,
            io.dkv.protocol.PeerMessage.AbortReason.NONE, ok.version())));
    c.deliverAll();
    assertThat(c.data("n2", "k").version()).isEqualTo(ok.version());
  }

  @Test
  void concurrentCoordinatorsOnOneKeyNeverBothCommit() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    c.write("n1", 1, 100, "k", put("a"), N123, c.now + 5_000);
    c.write("n2", 2, 200, "k", put("b"), N123, c.now + 5_000);
    // A locks n1 and n2 first, B locks n3 first: each meets the other's lock somewhere.
    c.deliver(type(Prepare.class).and(from("n1")).and(to("n1").or(to("n2"))));
    c.deliver(type(Prepare.class).and(from("n2")).and(to("n3")));
    c.deliverAll();
    assertThat(c.result(1)).isInstanceOfSatisfying(ClientResult.Failed.class,
        f -> assertThat(f.code()).isEqualTo(ErrorCode.LOCK_CONFLICT));
    assertThat(c.result(2)).isInstanceOfSatisfying(ClientResult.Failed.class,
        f -> assertThat(f.code()).isEqualTo(ErrorCode.LOCK_CONFLICT));
    assertThat(c.data("n1", "k")).isNull();
    assertForgottenEverywhere(c);

    c.write("n3", 3, 100, "k", put("a"), N123, c.now + 5_000); // the retry succeeds
    c.deliverAll();
    assertThat(((ClientResult.Written) c.result(3)).status()).isEqualTo(WriteStatus.OK);
    assertCommittedEverywhere(c, N123, "a");
  }

  @Test
  void aPrepareRoutedByAnOlderConfigurationIsRefusedAndTheClientRefreshesAndRetries() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    for (String id : N123) {
      c.configure(id, 4);
    }
    c.configure("n3", 5); // only n3 has seen the partition's newer configuration yet

    c.write("n1", 1, 100, "k", put("a"), N123, 4, c.now + 5_000);
    c.deliverAll();
    assertThat(c.result(1)).isInstanceOfSatisfying(ClientResult.Failed.class, f -> {
      assertThat(f.code()).isEqualTo(ErrorCode.STALE_EPOCH);
      assertThat(f.message()).contains("epoch 5");
    });
    for (String id : N123) {
      assertThat(c.data(id, "k")).as("data at " + id).isNull();
    }
    c.advance(TERMINATION_MILLIS * 2); // the refusal's record is finished like any other
    c.deliverAll();
    assertForgottenEverywhere(c);

    // The client refreshes its map (epoch 5) and retries with the same request id: it commits.
    c.write("n1", 2, 100, "k", put("a"), N123, 5, c.now + 5_000);
    c.deliverAll();
    assertThat(((ClientResult.Written) c.result(2)).status()).isEqualTo(WriteStatus.OK);
    assertCommittedEverywhere(c, N123, "a");
  }

  @Test
  void aReplicaWithoutItsReadLeaseNeverReportsAFailedConditionOnlyAStaleConfiguration() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    c.write("n1", 1, 100, "k", put("a"), N123, 0, c.now + 5_000);
    c.deliverAll();
    long version = ((ClientResult.Written) c.result(1)).version();
    Mutation casOnAnOldVersion = new Mutation.CompareAndSet(version - 1, Bytes.utf8("b"));

    // n3 lost its lease (it may have been evicted, and its data may be stale): its failed
    // condition is not reported, the client is told to refresh and retry.
    c.node("n3").core.setReadLease(false);
    c.write("n1", 2, 200, "k", casOnAnOldVersion, List.of("n3"), 0, c.now + 5_000);
    c.deliverAll();
    assertThat(c.result(2)).isInstanceOfSatisfying(ClientResult.Failed.class,
        f -> assertThat(f.code()).isEqualTo(ErrorCode.STALE_EPOCH));

    // With its lease, the same check is reported as the condition failing.
    c.node("n3").core.setReadLease(true);
    c.write("n1", 3, 300, "k", casOnAnOldVersion, List.of("n3"), 0, c.now + 5_000);
    c.deliverAll();
    assertThat(c.result(3)).isInstanceOfSatisfying(ClientResult.Written.class,
        w -> assertThat(w.status()).isEqualTo(WriteStatus.CONDITION_FAILED));
    assertCommittedEverywhere(c, N123, "a");
  }

  @Test
  void aPrepareForANamespaceIncarnationAReplicaDoesNotHaveIsRefused() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    // n2's view has another incarnation of the namespace (dropped, or created again since).
    c.configure("n2", PartitionEpochs.UNKNOWN_NAMESPACE);

    c.write("n1", 1, 100, "k", put("a"), N123, 7, c.now + 5_000);
    c.deliverAll();
    assertThat(c.result(1)).isInstanceOfSatisfying(ClientResult.Failed.class, f -> {
      assertThat(f.code()).isEqualTo(ErrorCode.STALE_EPOCH);
      assertThat(f.message()).contains("another incarnation of this namespace");
    });
    for (String id : N123) {
      assertThat(c.data(id, "k")).as("data at " + id).isNull();
    }
  }

  @Test
  void aTransactionInDoubtAcrossAnEpochChangeCommitsByTerminationThenNewWritesGoAbove() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    for (String id : N123) {
      c.configure(id, 4);
    }
    c.write("n1", 1, 100, "k", put("a"), N123, 4, c.now + 5_000);
    TxnId txn = txnInFlight(c);
    c.deliverAll(type(Prepare.class));
    // Every participant prepared under epoch 4; the coordinator dies before it decides, and the
    // directory moves the partition on meanwhile.
    c.drop(type(Vote.class));
    c.crash("n1");
    for (String id : N123) {
      c.configure(id, 6);
    }
    c.restart("n1");
    assertThat(c.worker("n2", txn).prepared()).isTrue();

    // Its outcome is fixed by its own participants' durable states, whatever the epoch now:
    // every one prepared, so termination commits it; a later epoch does not refuse it.
    c.run(TERMINATION_MILLIS * 4);
    assertCommittedEverywhere(c, N123, "a");
    long committed = c.data("n2", "k").version();

    c.write("n2", 5, 500, "k", put("b"), N123, 6, c.now + 5_000);
    c.deliverAll();
    ClientResult.Written next = (ClientResult.Written) c.result(5);
    assertThat(next.status()).isEqualTo(WriteStatus.OK);
    assertThat(next.version()).isGreaterThan(committed);
    assertCommittedEverywhere(c, N123, "b");
    c.run(TERMINATION_MILLIS * 2);
    assertForgottenEverywhere(c);
  }

  @Test
  void readWaitsForThePreparedTransactionThenSeesItsOutcome() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    c.write("n1", 1, 100, "k", put("a"), N123, c.now + 5_000);
    c.deliverAll(type(Prepare.class));
    c.deliverAll(type(Vote.class));
    c.read("n2", 9, "k", c.now + 1_000);
    c.read("n3", 10, "k", c.now + 100);
    assertThat(c.result(9)).isNull();

    c.deliver(type(Decision.class).and(to("n2")));
    assertThat(c.result(9)).isEqualTo(new ClientResult.ReadValue(9, true, c.data("n2", "k").version(), Bytes.utf8("a")));
    c.drop(type(Decision.class).and(to("n3")));
    c.advance(110);
    assertThat(c.result(10)).isInstanceOfSatisfying(ClientResult.Failed.class,
        f -> assertThat(f.code()).isEqualTo(ErrorCode.TIMEOUT));
  }

  @Test
  void clientIsAnsweredOnlyAfterEveryParticipantAcknowledged() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    c.write("n1", 1, 100, "k", put("a"), N123, c.now + 5_000);
    c.deliverAll(type(Prepare.class));
    c.deliverAll(type(Vote.class));
    c.deliverAll(type(Decision.class));
    InFlight ack = c.take(type(io.dkv.protocol.PeerMessage.Ack.class).and(from("n3")));
    c.deliverAll();
    assertThat(c.result(1)).isNull();
    c.deliverNow(ack);
    assertThat(c.result(1)).isEqualTo(new ClientResult.Written(1, WriteStatus.OK, c.data("n3", "k").version()));
  }

  @Test
  void decidedCommitPastTheDeadlineAnswersTimeoutAndKeepsSendingTheDecision() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    c.write("n1", 1, 100, "k", put("a"), N123, c.now + 300);
    c.deliverAll(type(Prepare.class));
    c.deliverAll(type(Vote.class));
    c.drop(type(Decision.class).and(to("n3")));
    c.deliverAll(f -> !f.to().equals("n3"));
    c.advance(310);
    assertThat(c.result(1)).isInstanceOfSatisfying(ClientResult.Failed.class,
        f -> assertThat(f.code()).isEqualTo(ErrorCode.TIMEOUT));
    assertThat(c.inFlight).anyMatch(f -> f.message() instanceof Decision && f.to().equals("n3"));
    c.run(100);
    assertCommittedEverywhere(c, N123, "a");
    assertForgottenEverywhere(c);
  }

  @Test
  void retriedRequestThroughAnotherCoordinatorIsNotAppliedTwice() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    c.write("n1", 1, 77, "k", new Mutation.CompareAndSet(0, Bytes.utf8("a")), N123, c.now + 5_000);
    c.deliverAll();
    ClientResult.Written first = (ClientResult.Written) c.result(1);
    assertThat(first.status()).isEqualTo(WriteStatus.OK);

    c.write("n2", 2, 77, "k", new Mutation.CompareAndSet(0, Bytes.utf8("a")), N123, c.now + 5_000);
    c.deliverAll();
    assertThat(c.result(2)).isEqualTo(new ClientResult.Written(2, WriteStatus.OK, first.version()));
    assertThat(c.data("n2", "k").version()).isEqualTo(first.version());
    assertForgottenEverywhere(c);
  }

  @Test
  void collectingCoordinatorAdoptsTheAbortOfAParticipantThatTerminated() {
    ScriptedCluster c = new ScriptedCluster(CONFIG, "n1", "n2", "n3");
    c.write("n1", 1, 100, "k", put("a"), N123, c.now + 60_000);
    TxnId txn = txnInFlight(c);
    c.drop(type(Prepare.class).and(to("n3")));
    c.deliverAll(type(Prepare.class));
    c.drop(type(Vote.class).and(from("n2")));
    c.deliverAll(type(Vote.class)); // n1's own vote: n1 still waits for n2 and n3
    // n2 times out and queries; n3 has never seen the transaction and refuses durably.
    c.advance(TERMINATION_MILLIS + 10);
    c.drop(type(Prepare.class));
    c.deliverAll(type(StatusQuery.class));
    c.deliverAll(f -> !(f.message() instanceof Prepare));
    assertThat(c.result(1)).isInstanceOfSatisfying(ClientResult.Failed.class,
        f -> assertThat(f.code()).isEqualTo(ErrorCode.TIMEOUT));
    assertThat(c.worker("n2", txn)).isNull();
    assertThat(c.data("n1", "k")).isNull();
    c.run(3 * TERMINATION_MILLIS);
    assertForgottenEverywhere(c);
  }
}
