package io.dkv.core.twopc;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.PeerMessage.AbortReason;
import org.junit.jupiter.api.Test;

class ConditionsTest {
  private static final Bytes A = Bytes.utf8("a");
  private static final Bytes B = Bytes.utf8("b");
  private static final DataRecord HOLDS_A = new DataRecord(false, 4, A);
  private static final DataRecord DELETED = new DataRecord(true, 6, Bytes.EMPTY);

  private static Conditions.Check check(Mutation m, DataRecord current) {
    return Conditions.evaluate(m, current);
  }

  @Test
  void putAlwaysApplies() {
    assertThat(check(new Mutation.Put(B), HOLDS_A).ok()).isTrue();
    assertThat(check(new Mutation.Put(B), DataRecord.ABSENT).ok()).isTrue();
  }

  @Test
  void putIfAbsentAppliesWhenAbsentOrEqual() {
    assertThat(check(new Mutation.PutIfAbsent(B), DataRecord.ABSENT).ok()).isTrue();
    assertThat(check(new Mutation.PutIfAbsent(B), DELETED).ok()).isTrue();
    assertThat(check(new Mutation.PutIfAbsent(A), HOLDS_A).ok()).isTrue();
    assertThat(check(new Mutation.PutIfAbsent(B), HOLDS_A))
        .isEqualTo(new Conditions.Check(false, AbortReason.CONDITION_FAILED, 4));
  }

  @Test
  void deleteNeedsAPresentKey() {
    assertThat(check(new Mutation.Delete(), HOLDS_A).ok()).isTrue();
    assertThat(check(new Mutation.Delete(), DELETED)).isEqualTo(new Conditions.Check(false, AbortReason.NOT_FOUND, 0));
    assertThat(check(new Mutation.Delete(), DataRecord.ABSENT).reason()).isEqualTo(AbortReason.NOT_FOUND);
  }

  @Test
  void compareAndSetComparesTheVisibleVersion() {
    assertThat(check(new Mutation.CompareAndSet(4, B), HOLDS_A).ok()).isTrue();
    assertThat(check(new Mutation.CompareAndSet(3, B), HOLDS_A))
        .isEqualTo(new Conditions.Check(false, AbortReason.CONDITION_FAILED, 4));
    // A deleted key is absent to clients: its visible version is 0, whatever its stored version.
    assertThat(check(new Mutation.CompareAndSet(0, B), DELETED).ok()).isTrue();
    assertThat(check(new Mutation.CompareAndSet(6, B), DELETED))
        .isEqualTo(new Conditions.Check(false, AbortReason.CONDITION_FAILED, 0));
  }
}
