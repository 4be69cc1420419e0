package io.dkv.core.eventual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.core.eventual.EventualValue.Present;
import io.dkv.core.eventual.EventualValue.Tombstone;
import io.dkv.core.twopc.CorruptRecordException;
import io.dkv.protocol.Bytes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Last-writer-wins merge: its laws over generated values, its tie-breaks, and the stored form. */
class EventualValueTest {
  private static final HexFormat HEX = HexFormat.of();

  /** Few distinct versions and values, so that equal versions and ties are common. */
  @Provide
  Arbitrary<EventualValue> values() {
    Arbitrary<HybridTimestamp> versions = Combinators.combine(Arbitraries.longs().between(0, 3),
        Arbitraries.integers().between(0, 2), Arbitraries.of("n1", "n2")).as(HybridTimestamp::new);
    Arbitrary<Bytes> bytes = Arbitraries.of("", "a", "b", "ab").map(Bytes::utf8);
    return Arbitraries.oneOf(Arbitraries.just(EventualValue.ABSENT),
        Combinators.combine(versions, bytes).as(Present::new), versions.map(Tombstone::new));
  }

  @Property
  void mergeIsCommutative(@ForAll("values") EventualValue a, @ForAll("values") EventualValue b) {
    assertThat(EventualValue.merge(a, b)).isEqualTo(EventualValue.merge(b, a));
  }

  @Property
  void mergeIsAssociative(@ForAll("values") EventualValue a, @ForAll("values") EventualValue b,
                          @ForAll("values") EventualValue c) {
    assertThat(EventualValue.merge(EventualValue.merge(a, b), c))
        .isEqualTo(EventualValue.merge(a, EventualValue.merge(b, c)));
  }

  @Property
  void mergeIsIdempotentAndAbsentChangesNothing(@ForAll("values") EventualValue a, @ForAll("values") EventualValue b) {
    assertThat(EventualValue.merge(a, a)).isEqualTo(a);
    assertThat(EventualValue.merge(a, EventualValue.ABSENT)).isEqualTo(a);
    EventualValue ab = EventualValue.merge(a, b);
    assertThat(EventualValue.merge(ab, b)).as("merging the same write again").isEqualTo(ab);
    assertThat(ab.covers(a) && ab.covers(b)).isTrue();
  }

  @Property
  void mergeKeepsTheGreaterVersion(@ForAll("values") EventualValue a, @ForAll("values") EventualValue b) {
    EventualValue m = EventualValue.merge(a, b);
    assertThat(m).isIn(a, b);
    if (a.versionOrNull() != null && b.versionOrNull() != null && !a.versionOrNull().equals(b.versionOrNull())) {
      assertThat(m.versionOrNull()).isEqualTo(a.versionOrNull().isAfter(b.versionOrNull())
          ? a.versionOrNull() : b.versionOrNull());
    }
  }

  @Provide
  Arbitrary<List<EventualValue>> valueLists() {
    return values().list().ofMaxSize(8);
  }

  @Property
  void everyOrderOfMergingEndsTheSame(@ForAll("valueLists") List<EventualValue> values, @ForAll Random random) {
    List<EventualValue> shuffled = new ArrayList<>(values);
    Collections.shuffle(shuffled, random);
    EventualValue inOrder = values.stream().reduce(EventualValue.ABSENT, EventualValue::merge);
    EventualValue shuffledOrder = shuffled.stream().reduce(EventualValue.ABSENT, EventualValue::merge);
    assertThat(shuffledOrder).isEqualTo(inOrder);
  }

  @Test
  void aDeleteWinsOverOlderValuesAndLosesToALaterWrite() {
    Present old = new Present(new HybridTimestamp(10, 0, "n1"), Bytes.utf8("old"));
    Tombstone delete = new Tombstone(new HybridTimestamp(20, 0, "n2"));
    Present again = new Present(new HybridTimestamp(20, 1, "n1"), Bytes.utf8("again"));
    assertThat(EventualValue.merge(old, delete)).isEqualTo(delete);
    assertThat(EventualValue.merge(delete, again)).isEqualTo(again);
    assertThat(delete.deletedAtMillis()).isEqualTo(20);
  }

  @Test
  void equalVersionsBreakTiesTheSameWayEverywhere() {
    HybridTimestamp v = new HybridTimestamp(10, 0, "n1");
    Present a = new Present(v, Bytes.utf8("a"));
    Present b = new Present(v, Bytes.utf8("b"));
    Tombstone t = new Tombstone(v);
    assertThat(EventualValue.merge(a, b)).isEqualTo(b);
    assertThat(EventualValue.merge(b, t)).isEqualTo(t);
    // The node id decides between equal clock parts.
    Present fromN2 = new Present(new HybridTimestamp(10, 0, "n2"), Bytes.utf8("a"));
    assertThat(EventualValue.merge(t, fromN2)).isEqualTo(fromN2);
  }

  @Test
  void storedFormGoldenBytes() {
    HybridTimestamp v = new HybridTimestamp(1_700_000_000_123L, 7, "n1");
    String version = "018bcfe5687b0007" + "0002" + "6e31";
    assertThat(HEX.formatHex(StoredValue.encode(new Present(v, Bytes.utf8("hi"))))).isEqualTo("01" + version + "6869");
    assertThat(HEX.formatHex(StoredValue.encode(new Tombstone(v)))).isEqualTo("02" + version);
    assertThat(StoredValue.decode(HEX.parseHex("01" + version + "6869"))).isEqualTo(new Present(v, Bytes.utf8("hi")));
    assertThat(StoredValue.decode(HEX.parseHex("01" + version))).isEqualTo(new Present(v, Bytes.EMPTY));
    assertThat(StoredValue.decode(null)).isEqualTo(EventualValue.ABSENT);
  }

  @Property
  void storedFormRoundTrips(@ForAll("values") EventualValue v) {
    if (v instanceof EventualValue.Absent) {
      assertThatThrownBy(() -> StoredValue.encode(v)).hasMessageContaining("an absent key is not stored");
    } else {
      assertThat(StoredValue.decode(StoredValue.encode(v))).isEqualTo(v);
    }
  }

  @Test
  void damagedStoredValuesStopTheNodeWithWhatWasWrong() {
    String version = "018bcfe5687b0007" + "0002" + "6e31";
    assertThatThrownBy(() -> StoredValue.decode(HEX.parseHex("03" + version)))
        .isInstanceOf(CorruptRecordException.class)
        .hasMessage("eventual value: field 'kind' at offset 0: unknown kind 3; allowed: 1 (value), 2 (tombstone)");
    assertThatThrownBy(() -> StoredValue.decode(HEX.parseHex("02" + version + "00")))
        .isInstanceOf(CorruptRecordException.class).hasMessageContaining("1 unexpected bytes after the last field");
    byte[] whole = HEX.parseHex("01" + version);
    for (int cut = 0; cut < whole.length; cut++) {
      byte[] truncated = Arrays.copyOf(whole, cut);
      assertThatThrownBy(() -> StoredValue.decode(truncated)).isInstanceOf(CorruptRecordException.class);
    }
  }
}
