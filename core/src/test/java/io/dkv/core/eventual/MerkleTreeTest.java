package io.dkv.core.eventual;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.Bytes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
  private static final long CUTOFF = 1_000;

  private static KeyVersion value(String key, long wallMillis) {
    return new KeyVersion(Bytes.utf8(key), false, new HybridTimestamp(wallMillis, 0, "n1"));
  }

  private static KeyVersion tombstone(String key, long wallMillis) {
    return new KeyVersion(Bytes.utf8(key), true, new HybridTimestamp(wallMillis, 0, "n1"));
  }

  private static List<KeyVersion> keys(int count, long wallMillis) {
    List<KeyVersion> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(value(String.format("key-%04d", i), wallMillis + i));
    }
    return out;
  }

  @Test
  void equalContentsGiveEqualRootsAndADifferentVersionAnotherRoot() {
    MerkleTree a = MerkleTree.of(keys(500, 5_000), CUTOFF);
    MerkleTree b = MerkleTree.of(keys(500, 5_000), CUTOFF);
    assertThat(a.root()).isEqualTo(b.root()).isNotZero();
    List<KeyVersion> changed = keys(500, 5_000);
    changed.set(123, value("key-0123", 9_999));
    assertThat(MerkleTree.of(changed, CUTOFF).root()).isNotEqualTo(a.root());
  }

  @Test
  void oneDifferingKeyMakesExactlyItsLeafAndItsPathDiffer() {
    List<KeyVersion> base = keys(300, 5_000);
    List<KeyVersion> changed = new ArrayList<>(base);
    changed.set(42, tombstone("key-0042", 6_000));
    MerkleTree a = MerkleTree.of(base, CUTOFF);
    MerkleTree b = MerkleTree.of(changed, CUTOFF);
    int leaf = MerkleTree.leafOf(Bytes.utf8("key-0042"));
    List<Integer> differingNodes = new ArrayList<>();
    long[] ca = a.children(0, 0);
    long[] cb = b.children(0, 0);
    for (int i = 0; i < MerkleTree.FANOUT; i++) {
      if (ca[i] != cb[i]) {
        differingNodes.add(i);
      }
    }
    assertThat(differingNodes).containsExactly(leaf / MerkleTree.FANOUT);
    List<Integer> differingLeaves = new ArrayList<>();
    for (int node = 0; node < MerkleTree.FANOUT; node++) {
      long[] la = a.children(1, node);
      long[] lb = b.children(1, node);
      for (int i = 0; i < MerkleTree.FANOUT; i++) {
        if (la[i] != lb[i]) {
          differingLeaves.add(node * MerkleTree.FANOUT + i);
        }
      }
    }
    assertThat(differingLeaves).containsExactly(leaf);
    assertThat(b.entries(leaf)).contains(tombstone("key-0042", 6_000));
  }

  @Test
  void aTombstonePastTheCutoffHashesLikeAbsentButStaysAnEntry() {
    List<KeyVersion> withOld = new ArrayList<>(keys(10, 5_000));
    withOld.add(tombstone("zz-old", CUTOFF - 1));
    MerkleTree a = MerkleTree.of(withOld, CUTOFF);
    assertThat(a.root()).isEqualTo(MerkleTree.of(keys(10, 5_000), CUTOFF).root());
    assertThat(a.entries(MerkleTree.leafOf(Bytes.utf8("zz-old")))).contains(tombstone("zz-old", CUTOFF - 1));
    List<KeyVersion> withYoung = new ArrayList<>(keys(10, 5_000));
    withYoung.add(tombstone("zz-old", CUTOFF));
    assertThat(MerkleTree.of(withYoung, CUTOFF).root()).isNotEqualTo(a.root());
  }

  @Test
  void anEmptyTreeHasRootZeroAndEveryNodeZero() {
    MerkleTree empty = MerkleTree.of(List.of(), CUTOFF);
    assertThat(empty.root()).isZero();
    assertThat(empty.children(0, 0)).containsOnly(0L);
  }

  @Test
  void goldenHashesOfASmallTree() {
    // Computed by an independent script (Python hashlib) from the layout in MerkleTree's javadoc:
    // SHA-256, first 8 bytes big-endian, entry = u32 key length | key | kind | version; empty = 0.
    MerkleTree t = MerkleTree.of(List.of(value("a", 1), tombstone("b", 2)), 0);
    assertThat(MerkleTree.leafOf(Bytes.utf8("a"))).isEqualTo(0xca);
    assertThat(MerkleTree.leafOf(Bytes.utf8("b"))).isEqualTo(0x3e);
    assertThat(Long.toHexString(t.children(1, 0xc)[0xa])).isEqualTo(GOLDEN_LEAF_A);
    assertThat(Long.toHexString(t.root())).isEqualTo(GOLDEN_ROOT);
  }

  private static final String GOLDEN_LEAF_A = "1d89d6c2064a4399";
  private static final String GOLDEN_ROOT = "c93a99847a8cb3e4";

  @Test
  void theRootDoesNotDependOnTheOrderEntriesArriveInWithinTheirKeyOrder() {
    // Leaves hash their entries in key order; the builder gets them in key order from the scan.
    List<KeyVersion> entries = keys(64, 7_000);
    List<KeyVersion> shuffled = new ArrayList<>(entries);
    Collections.shuffle(shuffled, new Random(7));
    shuffled.sort((x, y) -> x.key().compareTo(y.key()));
    assertThat(MerkleTree.of(shuffled, CUTOFF).root()).isEqualTo(MerkleTree.of(entries, CUTOFF).root());
  }
}
