package io.dkv.core.eventual;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;
import io.dkv.core.eventual.QuorumMessage.PurgePhase;
import io.dkv.core.eventual.QuorumMessage.PurgeReply;
import io.dkv.core.eventual.QuorumMessage.PurgeRequest;
import io.dkv.core.eventual.QuorumMessage.RepairHashes;
import io.dkv.core.eventual.QuorumMessage.RepairKeys;
import io.dkv.core.eventual.QuorumMessage.RepairTreeRequest;
import io.dkv.core.eventual.QuorumMessage.RepairWant;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.Procedure;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The wire bodies of the repair messages, one-way procedures 47..52 (docs/protocol.md §3), after
 * the {@code from string} that {@link QuorumCodec} reads for every eventual message:
 * <pre>
 * session  := session u64, step u32, namespace string, partition u32
 *   REPAIR_TREE    session, level u8 (0 or 1), indices u32 count + u16 each
 *   REPAIR_HASHES  session, level u8, indices u32 count + u16 each, hashes u32 count + u64 each (16 per index)
 *   REPAIR_KEYS    session, leaves u32 count + u16 each (0..255), entries u32 count + Entry each
 *   REPAIR_WANT    session, shipped u32, keys u32 count + bytes each
 *   PURGE_REQUEST  namespace string, phase u8 (1 check, 2 purge), tombstones u32 count + Ref each
 *   PURGE_REPLY    namespace string, phase u8, yes u32 count + Ref each, no u32 count + Ref each
 * Entry := key bytes, kind u8 (1 value, 2 tombstone), version Version
 * Ref   := key bytes, version Version
 * </pre>
 * Indices are checked against the tree's shape (level 0: only index 0; level 1: 0..15), so a
 * decoded message never names a node the tree does not have.
 */
final class RepairCodec {
  // On the wire: never renumber one.
  private static final int VALUE = 1;
  private static final int TOMBSTONE = 2;
  private static final int CHECK = 1;
  private static final int PURGE = 2;
  /** The smallest Entry or Ref: empty key (u32), kind, version (u64 and a one-byte node id). */
  /** The smallest Entry: an empty key (its u32 length), the kind, the clock bits, a one-byte node id. */
  private static final int MIN_ENTRY_BYTES = 4 + 1 + 8 + 3;
  /** The smallest Ref: as an Entry, without the kind. */
  private static final int MIN_REF_BYTES = 4 + 8 + 3;

  private RepairCodec() {}

  static void write(RecordWriter w, QuorumMessage m) {
    switch (m) {
      case RepairTreeRequest t -> indices(session(w, t.session(), t.step(), t.namespace(), t.partition())
          .u8(t.level()), t.indices());
      case RepairHashes h -> {
        indices(session(w, h.session(), h.step(), h.namespace(), h.partition()).u8(h.level()), h.indices());
        w.u32(h.hashes().size());
        h.hashes().forEach(w::u64);
      }
      case RepairKeys k -> {
        indices(session(w, k.session(), k.step(), k.namespace(), k.partition()), k.leaves());
        w.u32(k.entries().size());
        for (KeyVersion e : k.entries()) {
          e.version().writeTo(w.bytes(e.key().unsafeArray()).u8(e.tombstone() ? TOMBSTONE : VALUE));
        }
      }
      case RepairWant want -> {
        session(w, want.session(), want.step(), want.namespace(), want.partition()).u32(want.shipped());
        w.u32(want.keys().size());
        want.keys().forEach(k -> w.bytes(k.unsafeArray()));
      }
      case PurgeRequest p -> refs(w.string(p.namespace()).u8(phaseCode(p.phase())), p.tombstones());
      case PurgeReply p -> refs(refs(w.string(p.namespace()).u8(phaseCode(p.phase())), p.yes()), p.no());
      default -> throw new IllegalArgumentException(m.getClass().getSimpleName() + " is not a repair message");
    }
  }

  static QuorumMessage read(Procedure p, String from, RecordReader r) {
    return switch (p) {
      case REPAIR_TREE -> {
        long session = r.u64("session");
        int step = r.u32("step");
        String ns = r.string("namespace");
        int partition = partition(r);
        int level = level(r);
        yield new RepairTreeRequest(from, session, step, ns, partition, level, indices(r, "indices", width(level)));
      }
      case REPAIR_HASHES -> {
        long session = r.u64("session");
        int step = r.u32("step");
        String ns = r.string("namespace");
        int partition = partition(r);
        int level = level(r);
        List<Integer> indices = indices(r, "indices", width(level));
        int at = r.position();
        int n = r.count("hashes", 8);
        if (n != indices.size() * MerkleTree.FANOUT) {
          throw r.fail("hashes", at, n + " hashes for " + indices.size() + " nodes; 16 per node are expected");
        }
        List<Long> hashes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          hashes.add(r.u64("hashes"));
        }
        yield new RepairHashes(from, session, step, ns, partition, level, indices, hashes);
      }
      case REPAIR_KEYS -> {
        long session = r.u64("session");
        int step = r.u32("step");
        String ns = r.string("namespace");
        int partition = partition(r);
        List<Integer> leaves = indices(r, "leaves", MerkleTree.LEAVES);
        yield new RepairKeys(from, session, step, ns, partition, leaves, list(r, "entries", MIN_ENTRY_BYTES, x -> entry(r)));
      }
      case REPAIR_WANT -> {
        long session = r.u64("session");
        int step = r.u32("step");
        String ns = r.string("namespace");
        int partition = partition(r);
        int shipped = nonNegative(r, "shipped");
        List<Bytes> keys = new ArrayList<>();
        int n = r.count("keys", 4);
        for (int i = 0; i < n; i++) {
          keys.add(Bytes.wrap(r.bytes("keys")));
        }
        yield new RepairWant(from, session, step, ns, partition, shipped, keys);
      }
      case PURGE_REQUEST -> new PurgeRequest(from, r.string("namespace"), phase(r), list(r, "tombstones", MIN_REF_BYTES, x -> ref(r)));
      case PURGE_REPLY -> {
        String ns = r.string("namespace");
        PurgePhase phase = phase(r);
        List<TombstoneRef> yes = list(r, "yes", MIN_REF_BYTES, x -> ref(r));
        yield new PurgeReply(from, ns, phase, yes, list(r, "no", MIN_REF_BYTES, x -> ref(r)));
      }
      default -> throw new IllegalStateException("unreachable: " + p + " is a repair procedure");
    };
  }

  private static RecordWriter session(RecordWriter w, long session, int step, String namespace, int partition) {
    return w.u64(session).u32(step).string(namespace).u32(partition);
  }

  private static RecordWriter indices(RecordWriter w, List<Integer> indices) {
    w.u32(indices.size());
    indices.forEach(w::u16);
    return w;
  }

  private static RecordWriter refs(RecordWriter w, List<TombstoneRef> refs) {
    w.u32(refs.size());
    for (TombstoneRef t : refs) {
      t.version().writeTo(w.bytes(t.key().unsafeArray()));
    }
    return w;
  }

  private static int phaseCode(PurgePhase phase) {
    return switch (phase) {
      case CHECK -> CHECK;
      case PURGE -> PURGE;
    };
  }

  private static PurgePhase phase(RecordReader r) {
    int at = r.position();
    int code = r.u8("phase");
    return switch (code) {
      case CHECK -> PurgePhase.CHECK;
      case PURGE -> PurgePhase.PURGE;
      default -> throw r.fail("phase", at, "unknown code " + code + "; allowed: 1 (check), 2 (purge)");
    };
  }

  private static int level(RecordReader r) {
    int at = r.position();
    int level = r.u8("level");
    if (level > 1) {
      throw r.fail("level", at, "level " + level + " has no children; allowed: 0 (the root), 1");
    }
    return level;
  }

  /** How many nodes a level has: the indices allowed there. */
  private static int width(int level) {
    return level == 0 ? 1 : MerkleTree.FANOUT;
  }

  private static List<Integer> indices(RecordReader r, String field, int width) {
    int n = r.count(field, 2);
    List<Integer> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int at = r.position();
      int index = r.u16(field);
      if (index >= width) {
        throw r.fail(field, at, "index " + index + " is outside 0.." + (width - 1));
      }
      out.add(index);
    }
    return out;
  }

  private static int partition(RecordReader r) {
    return nonNegative(r, "partition");
  }

  private static int nonNegative(RecordReader r, String field) {
    int at = r.position();
    int v = r.u32(field);
    if (v < 0) {
      throw r.fail(field, at, Integer.toUnsignedString(v) + " is too large; at most " + Integer.MAX_VALUE);
    }
    return v;
  }

  private static <T> List<T> list(RecordReader r, String field, int minElementBytes, Function<Integer, T> element) {
    int n = r.count(field, minElementBytes);
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(element.apply(i));
    }
    return out;
  }

  private static KeyVersion entry(RecordReader r) {
    Bytes key = Bytes.wrap(r.bytes("entries.key"));
    int at = r.position();
    int kind = r.u8("entries.kind");
    if (kind != VALUE && kind != TOMBSTONE) {
      throw r.fail("entries.kind", at, "unknown kind " + kind + "; allowed: 1 (value), 2 (tombstone)");
    }
    return new KeyVersion(key, kind == TOMBSTONE, HybridTimestamp.readFrom(r));
  }

  private static TombstoneRef ref(RecordReader r) {
    return new TombstoneRef(Bytes.wrap(r.bytes("tombstones.key")), HybridTimestamp.readFrom(r));
  }
}
