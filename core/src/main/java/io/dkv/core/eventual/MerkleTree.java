package io.dkv.core.eventual;

import io.dkv.core.codec.RecordWriter;
import io.dkv.protocol.Bytes;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A Merkle tree of what one replica holds for one partition of an eventual namespace
 * (docs/eventual.md §10): fixed fanout 16, depth 2, so 16 level-1 nodes and 256 leaves.
 *
 * <p>Hashes are the first 8 bytes (big-endian) of SHA-256, the JDK's, defined the same on every
 * platform and language. A key lands in leaf {@code SHA-256(key)[0]} (its bytes' hash, not the
 * key's order, so that keys spread over the leaves whatever their shape). A leaf's hash is
 * SHA-256 over its entries in key order, each {@code u32 key length | key | u8 kind (1 value, 2
 * tombstone) | version (HybridTimestamp encoding)}. An inner node's hash is SHA-256 over its 16
 * children's hashes as u64s. An empty leaf, and a node whose children all hash to 0, hash to 0:
 * empty parts cost no hashing, and an empty tree's root is 0. Values' bytes are not hashed: two different
 * writes never share a version, so kind and version name the value. Tombstones older than the
 * cutoff (past the grace period) are left out, so that a purge half done does not make leaves
 * differ forever.
 *
 * <p>Cost: built from the partition's entries of one scan of the namespace ({@code NamespaceIndex},
 * which serves every partition), it hashes the keys of this partition and keeps their entries,
 * which the key exchange needs. 64-bit hashes make a missed difference a 2^-64 chance
 * per comparison.
 */
final class MerkleTree {
  static final int FANOUT = 16;
  static final int LEAVES = FANOUT * FANOUT;

  private final long[] leafHashes = new long[LEAVES];
  private final long[] nodeHashes = new long[FANOUT];
  private final long root;
  private final List<List<KeyVersion>> leafEntries;

  private MerkleTree(List<List<KeyVersion>> leafEntries, long cutoffMillis, MessageDigest sha256) {
    this.leafEntries = leafEntries;
    for (int leaf = 0; leaf < LEAVES; leaf++) {
      leafHashes[leaf] = leafHash(leafEntries.get(leaf), cutoffMillis, sha256);
    }
    for (int node = 0; node < FANOUT; node++) {
      nodeHashes[node] = innerHash(Arrays.copyOfRange(leafHashes, node * FANOUT, (node + 1) * FANOUT), sha256);
    }
    this.root = innerHash(nodeHashes, sha256);
  }

  /** The tree of these entries, given in key order. */
  static MerkleTree of(List<KeyVersion> entriesInKeyOrder, long cutoffMillis) {
    MessageDigest sha256 = sha256();
    List<List<KeyVersion>> leaves = new ArrayList<>(LEAVES);
    for (int i = 0; i < LEAVES; i++) {
      leaves.add(new ArrayList<>());
    }
    for (KeyVersion e : entriesInKeyOrder) {
      leaves.get(leafOf(e.key(), sha256)).add(e);
    }
    return new MerkleTree(leaves, cutoffMillis, sha256);
  }

  static byte[] namespacePrefix(String namespace) {
    return new RecordWriter().string(namespace).toByteArray();
  }

  static int leafOf(Bytes key) {
    return leafOf(key, sha256());
  }

  private static int leafOf(Bytes key, MessageDigest sha256) {
    return sha256.digest(key.unsafeArray())[0] & 0xFF;
  }

  long root() {
    return root;
  }

  /** The 16 children's hashes of node {@code index} at {@code level} (0: the root, 1: a level-1 node). */
  long[] children(int level, int index) {
    return switch (level) {
      case 0 -> nodeHashes.clone();
      case 1 -> Arrays.copyOfRange(leafHashes, index * FANOUT, (index + 1) * FANOUT);
      default -> throw new IllegalArgumentException("level " + level + " has no children; allowed: 0, 1");
    };
  }

  /** The entries of leaf {@code leaf}, in key order, expired tombstones included. */
  List<KeyVersion> entries(int leaf) {
    return leafEntries.get(leaf);
  }

  private static long leafHash(List<KeyVersion> entries, long cutoffMillis, MessageDigest d) {
    if (entries.isEmpty()) {
      return 0;
    }
    boolean any = false;
    for (KeyVersion e : entries) {
      if (e.expired(cutoffMillis)) {
        continue;
      }
      any = true;
      RecordWriter w = new RecordWriter().u32(e.key().length()).raw(e.key().unsafeArray()).u8(e.tombstone() ? 2 : 1);
      e.version().writeTo(w);
      d.update(w.toByteArray());
    }
    return any ? first8(d.digest()) : 0;
  }

  private static long innerHash(long[] children, MessageDigest sha256) {
    if (Arrays.stream(children).allMatch(c -> c == 0)) {
      return 0;
    }
    ByteBuffer b = ByteBuffer.allocate(children.length * Long.BYTES);
    for (long c : children) {
      b.putLong(c);
    }
    return first8(sha256.digest(b.array()));
  }

  private static long first8(byte[] digest) {
    return ByteBuffer.wrap(digest).getLong();
  }

  /** One digest per thread: looking one up costs more than hashing a small tree's keys. */
  private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  });

  private static MessageDigest sha256() {
    MessageDigest d = SHA256.get();
    d.reset();
    return d;
  }
}
