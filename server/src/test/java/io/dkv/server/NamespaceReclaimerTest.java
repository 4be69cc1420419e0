package io.dkv.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryState;
import io.dkv.core.directory.NamespaceMode;
import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.InMemoryStorage;
import io.dkv.core.storage.WriteBatch;
import io.dkv.core.twopc.TwoPhaseNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NamespaceReclaimerTest {
  private final InMemoryStorage storage = new InMemoryStorage();

  private static DirectoryState apply(DirectoryState s, DirectoryCommand c) {
    return s.apply(c).state();
  }

  private static DirectoryState withNamespaces(String... names) {
    DirectoryState s = TestClusters.cluster(MemberAddress.parseList("n1@127.0.0.1:1"), 8, 1).state();
    for (String name : names) {
      s = apply(s, new DirectoryCommand.CreateNamespace(name, NamespaceMode.STRONG, 1, 1, 1));
    }
    return s;
  }

  private void putKeys(String storageName, int count) {
    putKeys(ColumnFamily.DATA, storageName, count);
  }

  private void putKeys(ColumnFamily family, String storageName, int count) {
    WriteBatch batch = new WriteBatch();
    byte[] prefix = TwoPhaseNode.dataPrefix(storageName);
    for (int i = 0; i < count; i++) {
      byte[] key = Arrays.copyOf(prefix, prefix.length + 8);
      System.arraycopy(String.format("k%07d", i).getBytes(StandardCharsets.UTF_8), 0, key, prefix.length, 8);
      batch.put(family, key, new byte[] {1});
    }
    storage.write(batch);
  }

  private int keysOf(String storageName) {
    return keysOf(ColumnFamily.DATA, storageName);
  }

  private int keysOf(ColumnFamily family, String storageName) {
    return storage.keys(family, TwoPhaseNode.dataPrefix(storageName), new byte[0], 100_000).size();
  }

  @Test
  void aDroppedEventualNamespacesValuesAndHintsAreDeletedFromTheirOwnKeySpaces() throws Exception {
    DirectoryState s = apply(withNamespaces("users"),
        new DirectoryCommand.CreateNamespace("logs", NamespaceMode.EVENTUAL, 1, 1, 1)); // logs@3
    putKeys(ColumnFamily.EVENTUAL, "logs@3", NamespaceReclaimer.KEYS_PER_BATCH + 5);
    putKeys(ColumnFamily.HINTS, "logs@3", 3); // hints are keyed by namespace first too
    putKeys("users@2", 7);
    try (NamespaceReclaimer reclaimer = new NamespaceReclaimer("n1", storage)) {
      reclaimer.onView(new Cluster(s));
      reclaimer.onView(new Cluster(apply(s, new DirectoryCommand.DropNamespace("logs"))));
      reclaimer.awaitIdle();
    }
    assertThat(keysOf(ColumnFamily.EVENTUAL, "logs@3")).isZero();
    assertThat(keysOf(ColumnFamily.HINTS, "logs@3")).isZero();
    assertThat(keysOf("users@2")).isEqualTo(7);
  }

  @Test
  void aDroppedNamespacesKeysAreDeletedInBatchesAndNoOtherNamespacesKeys() throws Exception {
    DirectoryState s = withNamespaces("users", "user"); // users@2, user@3: one name prefixes the other
    putKeys("users@2", 2 * NamespaceReclaimer.KEYS_PER_BATCH + 17);
    putKeys("user@3", 10);
    putKeys("default", 10);
    try (NamespaceReclaimer reclaimer = new NamespaceReclaimer("n1", storage)) {
      reclaimer.onView(new Cluster(s));
      reclaimer.onView(new Cluster(apply(s, new DirectoryCommand.DropNamespace("users"))));
      reclaimer.awaitIdle();
    }
    assertThat(keysOf("users@2")).isZero();
    assertThat(keysOf("user@3")).isEqualTo(10);
    assertThat(keysOf("default")).isEqualTo(10);
    assertThat(storage.keys(ColumnFamily.META, "reclaim/".getBytes(StandardCharsets.UTF_8), new byte[0], 10))
        .as("nothing left pending").isEmpty();
  }

  @Test
  void aNamespaceDroppedWhileTheNodeWasDownIsFoundAtItsFirstView() throws Exception {
    DirectoryState s = withNamespaces("users");
    putKeys("users@2", 5);
    try (NamespaceReclaimer before = new NamespaceReclaimer("n1", storage)) {
      before.onView(new Cluster(s));
    }
    // The node restarts after the drop (and a re-creation under the same name).
    DirectoryState later = apply(apply(s, new DirectoryCommand.DropNamespace("users")),
        new DirectoryCommand.CreateNamespace("users", NamespaceMode.STRONG, 1, 1, 1));
    putKeys("users@4", 3);
    try (NamespaceReclaimer after = new NamespaceReclaimer("n1", storage)) {
      after.resumePending();
      after.onView(new Cluster(later));
      after.awaitIdle();
    }
    assertThat(keysOf("users@2")).isZero();
    assertThat(keysOf("users@4")).isEqualTo(3);
  }

  @Test
  void aReclaimRecordedButNotFinishedIsResumedAtTheNextStart() throws Exception {
    putKeys("gone@5", 7);
    storage.write(new WriteBatch().put(ColumnFamily.META,
        "reclaim/gone@5".getBytes(StandardCharsets.UTF_8), new byte[0]));
    try (NamespaceReclaimer reclaimer = new NamespaceReclaimer("n1", storage)) {
      reclaimer.resumePending();
      reclaimer.awaitIdle();
    }
    assertThat(keysOf("gone@5")).isZero();
    assertThat(storage.get(ColumnFamily.META, "reclaim/gone@5".getBytes(StandardCharsets.UTF_8))).isNull();
  }

  @Test
  void theFirstViewEverReclaimsNothing() throws Exception {
    putKeys("default", 3);
    try (NamespaceReclaimer reclaimer = new NamespaceReclaimer("n1", storage)) {
      reclaimer.onView(new Cluster(withNamespaces()));
      reclaimer.awaitIdle();
    }
    assertThat(keysOf("default")).isEqualTo(3);
    assertThat(storage.keys(ColumnFamily.META, "reclaim/".getBytes(StandardCharsets.UTF_8),
        new byte[0], 10)).isEmpty();
  }
}
