package io.dkv.core.eventual;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.eventual.EventualCommand.Delete;
import io.dkv.core.eventual.EventualCommand.Put;
import io.dkv.core.eventual.EventualResult.ReadIncomplete;
import io.dkv.core.eventual.EventualResult.ReadValue;
import io.dkv.core.eventual.EventualResult.Rejected;
import io.dkv.core.eventual.EventualResult.WriteIncomplete;
import io.dkv.core.eventual.EventualResult.Written;
import io.dkv.core.eventual.EventualValue.Present;
import io.dkv.core.eventual.QuorumMessage.ReadReply;
import io.dkv.core.eventual.QuorumMessage.ReadRequest;
import io.dkv.core.eventual.QuorumMessage.WriteAck;
import io.dkv.core.eventual.QuorumMessage.WriteRefused;
import io.dkv.core.eventual.QuorumMessage.WriteRequest;
import io.dkv.core.storage.InMemoryStorage;
import io.dkv.protocol.Bytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The coordinator role alone: the replicas are played by the test. */
class QuorumCoordinatorTest {
  private static final List<String> REPLICAS = List.of("n2", "n1", "n3");
  private static final Bytes KEY = Bytes.utf8("k");
  private static final long RETRY = 100;

  private final HybridClock clock = new HybridClock("n1", 1_000);
  private final QuorumCoordinator coordinator =
      new QuorumCoordinator("n1", new EventualConfig(RETRY, 10_000, 100, 1_000), clock,
          new ClockCeiling(new InMemoryStorage(), 500), 1);

  private EventualOutput write(long handle, long requestId, EventualCommand.Change change, int w, long now) {
    EventualOutput out = new EventualOutput();
    coordinator.onWrite(new EventualCommand.Write(handle, requestId, "ns", KEY, change, REPLICAS, w, now + 1_000),
        now, out);
    return out;
  }

  private EventualOutput ack(String from, HybridTimestamp version, long now) {
    EventualOutput out = new EventualOutput();
    coordinator.onWriteAck(new WriteAck(from, "ns", KEY, version), now, out);
    return out;
  }

  private EventualOutput tick(long now) {
    EventualOutput out = new EventualOutput();
    coordinator.tick(now, out);
    return out;
  }

  private static HybridTimestamp versionSent(EventualOutput out) {
    return ((WriteRequest) out.messages().getFirst().message()).value().versionOrNull();
  }

  @Test
  void aWriteGoesToEveryReplicaAndIsAnsweredAfterWDistinctAcks() {
    EventualOutput out = write(1, 7, new Put(Bytes.utf8("v")), 2, 1_000);
    assertThat(out.messages()).extracting(QuorumEnvelope::to).containsExactly("n2", "n1", "n3");
    HybridTimestamp v = versionSent(out);
    assertThat(v).isEqualTo(new HybridTimestamp(1_000, 0, "n1"));
    assertThat(out.messages()).allSatisfy(e ->
        assertThat(e.message()).isEqualTo(new WriteRequest("n1", "ns", KEY, new Present(v, Bytes.utf8("v")))));
    assertThat(out.syncNeeded()).as("its first version raises the clock's durable bound").isTrue();

    assertThat(ack("n3", v, 1_001).results()).isEmpty();
    assertThat(ack("n3", v, 1_002).results()).as("a duplicate ack counts once").isEmpty();
    assertThat(ack("n9", v, 1_002).results()).as("not a replica").isEmpty();
    assertThat(ack("n2", v, 1_003).results()).containsExactly(new Written(1, v));
    assertThat(coordinator.writesUnderWay()).as("kept until n1 acknowledges or has a hint").isEqualTo(1);
    assertThat(ack("n1", v, 1_004).results()).isEmpty();
    assertThat(coordinator.writesUnderWay()).isZero();
  }

  @Test
  void theCoordinatorStoresNoValueAndSyncsOnlyToRaiseItsClockBound() {
    assertThat(write(1, 7, new Put(Bytes.utf8("v")), 2, 1_000).syncNeeded()).isTrue();
    assertThat(write(2, 8, new Put(Bytes.utf8("w")), 2, 1_001).syncNeeded()).as("within the bound").isFalse();
  }

  @Test
  void unansweredReplicasAreAskedAgainAndTheDeadlineReportsHowManyAcked() {
    HybridTimestamp v = versionSent(write(1, 7, new Delete(), 3, 1_000));
    ack("n2", v, 1_010);
    assertThat(tick(1_050).messages()).as("before the retry interval").isEmpty();
    EventualOutput retry = tick(1_100);
    assertThat(retry.messages()).extracting(QuorumEnvelope::to).containsExactly("n1", "n3");
    assertThat(retry.messages().getFirst().message()).isEqualTo(
        new WriteRequest("n1", "ns", KEY, new EventualValue.Tombstone(v)));

    EventualOutput late = tick(2_000);
    assertThat(late.results()).singleElement().isInstanceOfSatisfying(WriteIncomplete.class, r -> {
      assertThat(r.acks()).isEqualTo(1);
      assertThat(r.required()).isEqualTo(3);
      assertThat(r.version()).isEqualTo(v);
      assertThat(r.reason()).isEqualTo("the deadline passed with 1 of the 3 acknowledgements required (no answer"
          + " from n1, n3); the write may still be applied and spread by repair");
    });
    assertThat(coordinator.writesUnderWay()).as("kept for the handoff of n1 and n3").isEqualTo(1);
    tick(11_000);
    assertThat(coordinator.writesUnderWay()).as("given up at the handoff timeout").isZero();
  }

  @Test
  void enoughRefusalsToMissTheQuorumAnswerAtOnce() {
    HybridTimestamp v = versionSent(write(1, 7, new Put(Bytes.utf8("v")), 2, 1_000));
    EventualOutput out = new EventualOutput();
    coordinator.onWriteRefused(new WriteRefused("n2", "ns", KEY, v, "too far ahead"), 1_001, out);
    assertThat(out.results()).as("two replicas can still acknowledge").isEmpty();
    coordinator.onWriteRefused(new WriteRefused("n3", "ns", KEY, v, "also"), 1_002, out);
    assertThat(out.results()).singleElement().isInstanceOfSatisfying(WriteIncomplete.class, r ->
        assertThat(r.reason()).startsWith("refused by [n2 (too far ahead), n3 (also)], so fewer than 2 replicas"));
  }

  @Test
  void aRetriedRequestIsSentWithTheVersionOfItsFirstAttempt() {
    HybridTimestamp v = versionSent(write(1, 7, new Put(Bytes.utf8("v")), 2, 1_000));
    // A retry while the first attempt is under way waits for the same write.
    assertThat(write(2, 7, new Put(Bytes.utf8("v")), 1, 1_010).messages()).isEmpty();
    assertThat(ack("n1", v, 1_020).results()).containsExactly(new Written(2, v));
    assertThat(ack("n2", v, 1_030).results()).containsExactly(new Written(1, v));
    ack("n3", v, 1_040);
    // A retry after it finished is sent again, under the same version.
    EventualOutput again = write(3, 7, new Put(Bytes.utf8("v")), 2, 1_500);
    assertThat(versionSent(again)).isEqualTo(v);
    assertThat(again.messages()).hasSize(3);
    // Another request id is another write.
    assertThat(versionSent(write(4, 8, new Put(Bytes.utf8("v")), 2, 1_500))).isGreaterThan(v);
  }

  @Test
  void aRequestIdReusedForAnotherWriteIsRejected() {
    write(1, 7, new Put(Bytes.utf8("v")), 2, 1_000);
    assertThat(write(2, 7, new Put(Bytes.utf8("other")), 2, 1_001).results()).containsExactly(new Rejected(2,
        "request id 7 was already used for a different write to this key; a new write needs a new request id"));
    assertThat(write(3, 7, new Delete(), 2, 1_001).results()).singleElement().isInstanceOf(Rejected.class);
  }

  @Test
  void requestIdsAreForgottenAfterTheWindow() {
    HybridTimestamp v = versionSent(write(1, 7, new Put(Bytes.utf8("v")), 1, 1_000));
    ack("n1", v, 1_001);
    assertThat(coordinator.requestsRemembered()).isEqualTo(1);
    tick(11_000);
    assertThat(coordinator.requestsRemembered()).isZero();
    assertThat(versionSent(write(2, 7, new Put(Bytes.utf8("v")), 1, 11_001))).isGreaterThan(v);
  }

  @Test
  void invalidQuorumsAndReplicaListsAreRejectedWithWhatIsAllowed() {
    assertThat(write(1, 7, new Delete(), 4, 1_000).results()).containsExactly(new Rejected(1,
        "write quorum W = 4 is out of range: it must be between 1 and N = 3 (the number of replicas of the key)"));
    assertThat(write(2, 8, new Delete(), 0, 1_000).results()).singleElement().isInstanceOf(Rejected.class);
    EventualOutput out = new EventualOutput();
    coordinator.onRead(new EventualCommand.Read(3, "ns", KEY, List.of("n1", "n1"), 1, 2_000), 1_000, out);
    coordinator.onRead(new EventualCommand.Read(4, "ns", KEY, List.of(), 1, 2_000), 1_000, out);
    assertThat(out.results()).containsExactly(
        new Rejected(3, "replicas [n1, n1] name a node more than once"),
        new Rejected(4, "the key has no replicas: a key of an eventual namespace needs at least one"));
    assertThat(out.messages()).isEmpty();
  }

  private EventualOutput read(long handle, int r, long now) {
    EventualOutput out = new EventualOutput();
    coordinator.onRead(new EventualCommand.Read(handle, "ns", KEY, REPLICAS, r, now + 1_000), now, out);
    return out;
  }

  private EventualOutput reply(String from, long readId, EventualValue v, long now) {
    EventualOutput out = new EventualOutput();
    coordinator.onReadReply(new ReadReply(from, readId, "ns", KEY, v), now, out);
    return out;
  }

  @Test
  void aReadAsksRReplicasLocalFirstAndAnswersTheNewestWithARepairOfTheStaleOnes() {
    EventualOutput out = read(1, 2, 1_000);
    assertThat(out.messages()).containsExactly(
        new QuorumEnvelope("n1", new ReadRequest("n1", 1, "ns", KEY)),
        new QuorumEnvelope("n2", new ReadRequest("n1", 1, "ns", KEY)));
    Present older = new Present(new HybridTimestamp(900, 0, "n3"), Bytes.utf8("old"));
    Present newer = new Present(new HybridTimestamp(950, 0, "n2"), Bytes.utf8("new"));
    assertThat(reply("n3", 1, newer, 1_001).results()).as("n3 was not asked").isEmpty();
    assertThat(reply("n1", 1, older, 1_001).results()).isEmpty();
    assertThat(reply("n1", 1, older, 1_001).results()).as("a duplicate reply counts once").isEmpty();
    EventualOutput done = reply("n2", 1, newer, 1_002);
    assertThat(done.results()).containsExactly(new ReadValue(1, newer));
    assertThat(done.repairs()).containsExactly(new ReadRepair("ns", KEY, newer, List.of("n1"), List.of()));
    assertThat(coordinator.readsUnderWay()).isZero();
  }

  @Test
  void aSlowReplicaMakesTheReadAskTheOthersAndIsReportedForRepair() {
    read(1, 2, 1_000);
    Present v = new Present(new HybridTimestamp(900, 0, "n3"), Bytes.utf8("v"));
    reply("n1", 1, v, 1_010);
    EventualOutput retry = tick(1_100);
    assertThat(retry.messages()).extracting(QuorumEnvelope::to).containsExactly("n2", "n3");
    EventualOutput done = reply("n3", 1, v, 1_110);
    assertThat(done.results()).containsExactly(new ReadValue(1, v));
    assertThat(done.repairs()).containsExactly(new ReadRepair("ns", KEY, v, List.of(), List.of("n2")));
  }

  @Test
  void aReadOfAnAbsentKeyNeedsNoRepairAndAMissedDeadlineSaysHowManyReplied() {
    read(1, 1, 1_000);
    EventualOutput done = reply("n1", 1, EventualValue.ABSENT, 1_001);
    assertThat(done.results()).containsExactly(new ReadValue(1, EventualValue.ABSENT));
    assertThat(done.repairs()).isEmpty();

    read(2, 3, 1_000);
    reply("n2", 2, EventualValue.ABSENT, 1_001);
    assertThat(tick(2_000).results()).containsExactly(new ReadIncomplete(2, 1, 3));
  }

  @Test
  void aWriteAfterAReadIsStampedAboveWhatTheReadReturned() {
    read(1, 1, 1_000);
    // n2's clock runs 300 ms ahead of this node's, within the allowed drift.
    reply("n1", 1, new Present(new HybridTimestamp(1_300, 4, "n2"), Bytes.utf8("v")), 1_001);
    HybridTimestamp v = versionSent(write(2, 9, new Put(Bytes.utf8("w")), 1, 1_002));
    assertThat(v).isEqualTo(new HybridTimestamp(1_300, 6, "n1"));
  }
}
