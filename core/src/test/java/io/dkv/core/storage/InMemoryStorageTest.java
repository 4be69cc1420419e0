package io.dkv.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InMemoryStorageTest {
  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void writesAreVisibleAtOnceAndDurableOnlyAfterSync() {
    InMemoryStorage s = new InMemoryStorage();
    s.write(new WriteBatch().put(ColumnFamily.DATA, b("a"), b("1")));
    s.sync();
    s.write(new WriteBatch().put(ColumnFamily.DATA, b("b"), b("2")).delete(ColumnFamily.DATA, b("a")));
    assertThat(s.get(ColumnFamily.DATA, b("b"))).isEqualTo(b("2"));
    assertThat(s.get(ColumnFamily.DATA, b("a"))).isNull();
    s.crash();
    assertThat(s.get(ColumnFamily.DATA, b("a"))).as("the whole unsynced batch is lost").isEqualTo(b("1"));
    assertThat(s.get(ColumnFamily.DATA, b("b"))).isNull();
  }

  @Test
  void keepsCopiesSoCallersMayReuseTheirArrays() {
    InMemoryStorage s = new InMemoryStorage();
    byte[] value = b("x");
    s.write(new WriteBatch().put(ColumnFamily.META, b("k"), value));
    value[0] = 'y';
    s.get(ColumnFamily.META, b("k"))[0] = 'z';
    assertThat(s.get(ColumnFamily.META, b("k"))).isEqualTo(b("x"));
  }

  @Test
  void scansAPrefixInUnsignedKeyOrderPerColumnFamily() {
    InMemoryStorage s = new InMemoryStorage();
    s.write(new WriteBatch().put(ColumnFamily.JOURNAL, new byte[] {'W', (byte) 0xFF}, b("2"))
        .put(ColumnFamily.JOURNAL, new byte[] {'W', 1}, b("1")).put(ColumnFamily.JOURNAL, b("X"), b("no"))
        .put(ColumnFamily.DATA, b("W"), b("other family")));
    List<String> seen = new ArrayList<>();
    s.scan(ColumnFamily.JOURNAL, b("W"), (k, v) -> seen.add(new String(v, StandardCharsets.UTF_8)));
    assertThat(seen).containsExactly("1", "2");
  }

  @Test
  void tellsTheObserverWhatEachSyncMadeDurable() {
    InMemoryStorage s = new InMemoryStorage();
    List<Integer> sizes = new ArrayList<>();
    s.onSync(ops -> sizes.add(ops.size()));
    s.write(new WriteBatch().put(ColumnFamily.DATA, b("a"), b("1")));
    s.write(new WriteBatch().put(ColumnFamily.DATA, b("b"), b("1")).put(ColumnFamily.DATA, b("c"), b("1")));
    s.sync();
    s.sync();
    assertThat(sizes).containsExactly(3);
    assertThat(s.hasUnsyncedWrites()).isFalse();
  }

  @Test
  void keysWalkAPrefixInBoundedStepsAndOnlyFromWhatIsVisible() {
    InMemoryStorage s = new InMemoryStorage();
    s.write(new WriteBatch().put(ColumnFamily.DATA, new byte[] {1, 1}, new byte[0])
        .put(ColumnFamily.DATA, new byte[] {1, (byte) 0x80}, new byte[0])
        .put(ColumnFamily.DATA, new byte[] {1, (byte) 0xff}, new byte[0])
        .put(ColumnFamily.DATA, new byte[] {2}, new byte[0]));
    assertThat(s.keys(ColumnFamily.DATA, new byte[] {1}, new byte[0], 2))
        .containsExactly(new byte[] {1, 1}, new byte[] {1, (byte) 0x80});
    assertThat(s.keys(ColumnFamily.DATA, new byte[] {1}, new byte[] {1, (byte) 0x80, 0}, 2))
        .containsExactly(new byte[] {1, (byte) 0xff});
    s.write(new WriteBatch().delete(ColumnFamily.DATA, new byte[] {1, (byte) 0xff}));
    assertThat(s.keys(ColumnFamily.DATA, new byte[] {1}, new byte[] {1, (byte) 0x80, 0}, 2)).isEmpty();
  }
}
