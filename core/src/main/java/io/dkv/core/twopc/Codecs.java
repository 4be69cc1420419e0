package io.dkv.core.twopc;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.Mutation;
import io.dkv.protocol.PeerMessage.AbortReason;
import io.dkv.protocol.PeerMessage.VoteKind;
import io.dkv.protocol.TxnId;
import java.util.ArrayList;
import java.util.List;

/** Encodings of the protocol types that appear inside stored records. */
final class Codecs {
  private Codecs() {}

  // Mutation tags: stored on disk, so never renumber one.
  private static final int PUT = 1;
  private static final int PUT_IF_ABSENT = 2;
  private static final int DELETE = 3;
  private static final int COMPARE_AND_SET = 4;

  /** u16 coordinator length, coordinator (UTF-8), u64 incarnation, u64 sequence. */
  static void writeTxn(RecordWriter w, TxnId txn) {
    w.string(txn.coordinator()).u64(txn.incarnation()).u64(txn.sequence());
  }

  static TxnId readTxn(RecordReader r) {
    return new TxnId(r.string("txn coordinator"), r.u64("txn incarnation"), r.u64("txn sequence"));
  }

  static void writeMutation(RecordWriter w, Mutation m) {
    switch (m) {
      case Mutation.Put p -> w.u8(PUT).bytes(p.value().unsafeArray());
      case Mutation.PutIfAbsent p -> w.u8(PUT_IF_ABSENT).bytes(p.value().unsafeArray());
      case Mutation.Delete d -> w.u8(DELETE);
      case Mutation.CompareAndSet c ->
          w.u8(COMPARE_AND_SET).u64(c.expectedVersion()).bytes(c.value().unsafeArray());
    }
  }

  static Mutation readMutation(RecordReader r) {
    int tag = r.u8("mutation tag");
    return switch (tag) {
      case PUT -> new Mutation.Put(Bytes.wrap(r.bytes("value")));
      case PUT_IF_ABSENT -> new Mutation.PutIfAbsent(Bytes.wrap(r.bytes("value")));
      case DELETE -> new Mutation.Delete();
      case COMPARE_AND_SET -> new Mutation.CompareAndSet(r.u64("expected version"), Bytes.wrap(r.bytes("value")));
      default -> throw new CorruptRecordException("unknown mutation tag " + tag);
    };
  }

  static void writeNodes(RecordWriter w, List<String> nodes) {
    w.u16(nodes.size());
    for (String n : nodes) {
      w.string(n);
    }
  }

  static List<String> readNodes(RecordReader r) {
    int n = r.u16("node count");
    List<String> nodes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      nodes.add(r.string("node id"));
    }
    return List.copyOf(nodes);
  }

  // Stored codes of the protocol enums a worker record keeps: written out by hand, never from
  // ordinal(), so that reordering the Java enums never changes what is on disk.

  static int code(VoteKind k) {
    return switch (k) {
      case COMMIT -> 1;
      case ABORT -> 2;
      case DUPLICATE -> 3;
    };
  }

  static VoteKind voteKind(int code) {
    for (VoteKind k : VoteKind.values()) {
      if (code(k) == code) {
        return k;
      }
    }
    throw new CorruptRecordException("unknown vote kind " + code);
  }

  static int code(AbortReason r) {
    return switch (r) {
      case NONE -> 1;
      case LOCK_CONFLICT -> 2;
      case CONDITION_FAILED -> 3;
      case NOT_FOUND -> 4;
      case STALE_EPOCH -> 5;
      case REFUSED -> 6;
    };
  }

  static AbortReason abortReason(int code) {
    for (AbortReason r : AbortReason.values()) {
      if (code(r) == code) {
        return r;
      }
    }
    throw new CorruptRecordException("unknown abort reason " + code);
  }
}
