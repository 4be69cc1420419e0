package io.dkv.core.eventual;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.InMemoryStorage;
import io.dkv.core.storage.WriteBatch;
import io.dkv.protocol.Bytes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One scan of a namespace serves every partition until the namespace changes. */
class NamespaceIndexTest {
  /** Keys "a..." in partition 0, the others in partition 1. */
  private static final KeyPartitioner BY_FIRST_LETTER = (ns, key) -> key.unsafeArray()[0] == 'a' ? 0 : 1;

  private final InMemoryStorage storage = new InMemoryStorage();

  private void put(String key, long wall) {
    storage.write(new WriteBatch().put(ColumnFamily.EVENTUAL, QuorumReplica.dataKey("ns", Bytes.utf8(key)),
        StoredValue.encode(new EventualValue.Present(new HybridTimestamp(wall, 0, "n1"), Bytes.utf8("v")))));
  }

  private static List<String> keys(List<KeyVersion> entries) {
    return entries.stream().map(e -> e.key().toUtf8()).toList();
  }

  @Test
  void everyPartitionComesFromOneScanInKeyOrder() {
    put("b1", 1);
    put("a2", 2);
    put("a1", 3);
    NamespaceIndex index = new NamespaceIndex(storage, BY_FIRST_LETTER);
    assertThat(keys(index.entries("ns", 0, 100))).containsExactly("a1", "a2");
    assertThat(keys(index.entries("ns", 1, 100))).containsExactly("b1");
    assertThat(index.entries("ns", 7, 100)).isEmpty();
    assertThat(index.entries("other", 0, 100)).isEmpty();
  }

  @Test
  void aScanServesUntilTheNamespaceChanges() {
    NamespaceIndex index = new NamespaceIndex(storage, BY_FIRST_LETTER);
    assertThat(index.entries("ns", 0, 100)).isEmpty();
    put("a1", 1);
    assertThat(index.entries("ns", 0, 100)).as("not told of the write yet: the scan stands").isEmpty();
    index.changed("ns");
    assertThat(keys(index.entries("ns", 0, 100))).containsExactly("a1");
  }

  @Test
  void aScanNoOneReadsForAMinuteIsDroppedAndTheNextReadScansAgain() {
    NamespaceIndex index = new NamespaceIndex(storage, BY_FIRST_LETTER);
    assertThat(index.entries("ns", 0, 1_000)).isEmpty();
    put("a1", 1); // not announced: only a new scan sees it
    index.forgetIdle(1_000 + NamespaceIndex.IDLE_MILLIS - 1);
    assertThat(index.entries("ns", 0, 1_000 + NamespaceIndex.IDLE_MILLIS - 1)).as("still held").isEmpty();
    index.forgetIdle(1_000 + 2 * NamespaceIndex.IDLE_MILLIS);
    assertThat(keys(index.entries("ns", 0, 1_000 + 2 * NamespaceIndex.IDLE_MILLIS))).containsExactly("a1");
  }
}
