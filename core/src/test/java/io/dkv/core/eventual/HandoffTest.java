package io.dkv.core.eventual;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.eventual.EventualCommand.Put;
import io.dkv.core.eventual.EventualResult.WriteIncomplete;
import io.dkv.core.eventual.EventualResult.Written;
import io.dkv.core.eventual.QuorumMessage.HintAck;
import io.dkv.core.eventual.QuorumMessage.HintedWrite;
import io.dkv.core.eventual.QuorumMessage.WriteAck;
import io.dkv.core.eventual.QuorumMessage.WriteRequest;
import io.dkv.core.storage.InMemoryStorage;
import io.dkv.protocol.Bytes;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The coordinator's side of hinted handoff: when, to whom, and what a hint's answer changes. */
class HandoffTest {
  private static final List<String> REPLICAS = List.of("n1", "n2", "n3");
  private static final List<String> FALLBACKS = List.of("n4", "n5");
  private static final Bytes KEY = Bytes.utf8("k");
  private static final long RETRY = 100;
  private static final long DELAY = 300;
  private static final long TIMEOUT = 5_000;

  private final QuorumCoordinator coordinator = new QuorumCoordinator("n1", new EventualConfig(RETRY, 10_000, 100,
      1_000, new HintConfig(DELAY, TIMEOUT, 10, 1 << 20, 60_000, 200)), new HybridClock("n1", 1_000),
      new ClockCeiling(new InMemoryStorage(), 500), 1);
  private EventualValue value;

  private EventualOutput write(int w, Set<String> down, List<String> fallbacks, long now) {
    EventualOutput out = new EventualOutput();
    coordinator.onWrite(new EventualCommand.Write(1, 7, "ns", KEY, new Put(Bytes.utf8("v")), REPLICAS, w,
        now + 1_000, fallbacks, down), now, out);
    value = ((WriteRequest) out.messages().getFirst().message()).value();
    return out;
  }

  private EventualOutput ack(String from, long now) {
    EventualOutput out = new EventualOutput();
    coordinator.onWriteAck(new WriteAck(from, "ns", KEY, value.versionOrNull()), now, out);
    return out;
  }

  private EventualOutput hintAck(String from, String target, boolean stored, long now) {
    EventualOutput out = new EventualOutput();
    coordinator.onHintAck(new HintAck(from, target, "ns", KEY, value.versionOrNull(), stored, stored ? "" : "full"),
        now, out);
    return out;
  }

  private EventualOutput tick(long now) {
    EventualOutput out = new EventualOutput();
    coordinator.tick(now, out);
    return out;
  }

  private QuorumEnvelope hint(String to, String target) {
    return new QuorumEnvelope(to, new HintedWrite("n1", target, "ns", KEY, value));
  }

  private static List<QuorumEnvelope> hints(EventualOutput out) {
    return out.messages().stream().filter(e -> e.message() instanceof HintedWrite).toList();
  }

  @Test
  void aSilentReplicaIsHandedOffAfterTheDelayAndItsHintDoesNotCountTowardW() {
    assertThat(hints(write(3, Set.of(), FALLBACKS, 1_000))).isEmpty();
    ack("n1", 1_010);
    ack("n2", 1_010);
    assertThat(hints(tick(1_200))).as("before the handoff delay").isEmpty();
    assertThat(hints(tick(1_300))).containsExactly(hint("n4", "n3"));

    assertThat(hintAck("n4", "n3", true, 1_310).results()).as("strict quorum: a hint is not an ack").isEmpty();
    assertThat(hints(tick(1_500))).as("n3 has its hint").isEmpty();
    assertThat(coordinator.writesUnderWay()).as("the client still waits").isEqualTo(1);
    assertThat(tick(2_000).results()).singleElement().isInstanceOfSatisfying(WriteIncomplete.class,
        r -> assertThat(r.acks()).isEqualTo(2));
    assertThat(coordinator.writesUnderWay()).as("every replica acknowledged or has a hint").isZero();
  }

  @Test
  void aWriteAnsweredToItsClientStaysUnderWayUntilTheHintIsStored() {
    write(2, Set.of(), FALLBACKS, 1_000);
    ack("n1", 1_010);
    assertThat(ack("n2", 1_010).results()).containsExactly(new Written(1, value.versionOrNull()));
    assertThat(coordinator.writesUnderWay()).isEqualTo(1);
    assertThat(hints(tick(1_300))).containsExactly(hint("n4", "n3"));
    hintAck("n4", "n3", true, 1_310);
    assertThat(coordinator.writesUnderWay()).isZero();
  }

  @Test
  void aReplicaReportedDownGetsItsHintAtOnceBesideTheWrite() {
    EventualOutput out = write(2, Set.of("n3"), FALLBACKS, 1_000);
    assertThat(out.messages()).extracting(QuorumEnvelope::to).containsExactly("n1", "n2", "n3", "n4");
    assertThat(hints(out)).containsExactly(hint("n4", "n3"));
  }

  @Test
  void aFullFallbackIsFollowedAtOnceAndWhenAllAreFullTheListStartsOverOnTheTimer() {
    write(2, Set.of("n3"), FALLBACKS, 1_000);
    assertThat(hints(hintAck("n4", "n3", false, 1_001))).containsExactly(hint("n5", "n3"));
    assertThat(hints(hintAck("n5", "n3", false, 1_002))).as("this node is the last fallback")
        .containsExactly(hint("n1", "n3"));
    assertThat(hints(hintAck("n1", "n3", false, 1_003))).as("every fallback was asked").isEmpty();
    assertThat(hints(hintAck("n4", "n3", false, 1_004))).as("a stale refusal").isEmpty();
    assertThat(hints(tick(1_050))).isEmpty();
    assertThat(hints(tick(1_103))).containsExactly(hint("n4", "n3"));
  }

  @Test
  void aSilentFallbackIsFollowedByTheNextOnTheTimer() {
    write(2, Set.of("n3"), FALLBACKS, 1_000);
    assertThat(hints(tick(1_099))).isEmpty();
    assertThat(hints(tick(1_100))).containsExactly(hint("n5", "n3"));
  }

  @Test
  void withoutFallbacksThisNodeHoldsTheHintsOfTheOtherReplicas() {
    write(1, Set.of(), List.of(), 1_000);
    ack("n1", 1_001);
    assertThat(hints(tick(1_300))).containsExactly(hint("n1", "n2"), hint("n1", "n3"));
  }

  @Test
  void theHandoffTimeoutEndsAWriteThatNoFallbackTakes() {
    write(1, Set.of(), FALLBACKS, 1_000);
    ack("n1", 1_001);
    tick(1_000 + TIMEOUT - 1);
    assertThat(coordinator.writesUnderWay()).isEqualTo(1);
    tick(1_000 + TIMEOUT);
    assertThat(coordinator.writesUnderWay()).isZero();
  }
}
