package io.dkv.core.eventual;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.MalformedMessageException;
import io.dkv.protocol.Procedure;

/**
 * The wire bodies of {@link QuorumMessage}s, one-way procedures 40..46 and, through
 * {@link RepairCodec}, the repair messages 47..52 (docs/protocol.md §3), in
 * network byte order. It lives beside the messages because their values carry hybrid-clock
 * versions, a core type; the encoding follows the protocol's rules (u16-length UTF-8 strings,
 * u32-length byte strings, no trailing bytes).
 *
 * <pre>
 * every body  := from string, namespace string, key bytes, then:
 *   QUORUM_WRITE    value Value          (a value or a tombstone, never absent)
 *   QUORUM_ACK      version Version
 *   QUORUM_REFUSED  version Version, reason string
 *   QUORUM_READ     readId i64
 *   QUORUM_REPLY    readId i64, value Value
 *   HINTED_WRITE    target string (not empty), value Value (a value or a tombstone, never absent)
 *   HINT_ACK        target string (not empty), version Version, stored u8 (1 stored, 0 refused),
 *                   reason string (empty when stored)
 * Value   := kind u8 (0 absent, 1 value, 2 tombstone), then for 1: version Version, value bytes;
 *            for 2: version Version; for 0: nothing
 * Version := clock u64 (wallMillis << 16 | logical), nodeId string (not empty)
 * </pre>
 *
 * Decoding takes untrusted bytes: anything malformed throws {@link MalformedMessageException}
 * naming the field, and nothing else.
 */
public final class QuorumCodec {
  // On the wire: never renumber one.
  private static final int ABSENT = 0;
  private static final int PRESENT = 1;
  private static final int TOMBSTONE = 2;

  private QuorumCodec() {}

  /** The procedure that carries {@code m}. */
  public static Procedure procedureOf(QuorumMessage m) {
    return switch (m) {
      case QuorumMessage.WriteRequest w -> Procedure.QUORUM_WRITE;
      case QuorumMessage.WriteAck a -> Procedure.QUORUM_ACK;
      case QuorumMessage.WriteRefused r -> Procedure.QUORUM_REFUSED;
      case QuorumMessage.ReadRequest r -> Procedure.QUORUM_READ;
      case QuorumMessage.ReadReply r -> Procedure.QUORUM_REPLY;
      case QuorumMessage.HintedWrite h -> Procedure.HINTED_WRITE;
      case QuorumMessage.HintAck a -> Procedure.HINT_ACK;
      case QuorumMessage.RepairTreeRequest r -> Procedure.REPAIR_TREE;
      case QuorumMessage.RepairHashes h -> Procedure.REPAIR_HASHES;
      case QuorumMessage.RepairKeys k -> Procedure.REPAIR_KEYS;
      case QuorumMessage.RepairWant w -> Procedure.REPAIR_WANT;
      case QuorumMessage.PurgeRequest r -> Procedure.PURGE_REQUEST;
      case QuorumMessage.PurgeReply r -> Procedure.PURGE_REPLY;
    };
  }

  public static byte[] encode(QuorumMessage m) {
    RecordWriter w = new RecordWriter().string(m.from());
    switch (m) {
      case QuorumMessage.WriteRequest r -> writeValue(prefix(w, r.namespace(), r.key()), r.value());
      case QuorumMessage.WriteAck a -> a.version().writeTo(prefix(w, a.namespace(), a.key()));
      case QuorumMessage.WriteRefused r -> {
        r.version().writeTo(prefix(w, r.namespace(), r.key()));
        w.string(r.reason());
      }
      case QuorumMessage.ReadRequest r -> prefix(w, r.namespace(), r.key()).u64(r.readId());
      case QuorumMessage.ReadReply r -> writeValue(prefix(w, r.namespace(), r.key()).u64(r.readId()), r.value());
      case QuorumMessage.HintedWrite h -> writeValue(prefix(w, h.namespace(), h.key()).string(h.target()), h.value());
      case QuorumMessage.HintAck a -> {
        a.version().writeTo(prefix(w, a.namespace(), a.key()).string(a.target()));
        w.u8(a.stored() ? 1 : 0).string(a.reason());
      }
      case QuorumMessage.RepairTreeRequest r -> RepairCodec.write(w, r);
      case QuorumMessage.RepairHashes h -> RepairCodec.write(w, h);
      case QuorumMessage.RepairKeys k -> RepairCodec.write(w, k);
      case QuorumMessage.RepairWant x -> RepairCodec.write(w, x);
      case QuorumMessage.PurgeRequest r -> RepairCodec.write(w, r);
      case QuorumMessage.PurgeReply r -> RepairCodec.write(w, r);
    }
    return w.toByteArray();
  }

  /**
   * The message in {@code body}, sent as procedure {@code p}.
   *
   * @throws MalformedMessageException for bad bytes, or with code UNKNOWN_PROCEDURE when {@code p}
   *     is not a quorum procedure
   */
  public static QuorumMessage decode(Procedure p, byte[] body) {
    if (!p.isQuorum()) {
      throw new MalformedMessageException(ErrorCode.UNKNOWN_PROCEDURE, "procedure " + p + " (id " + p.id()
          + ") is not a message of eventual namespaces; they have ids 40..52");
    }
    RecordReader r = new RecordReader(body, p + " message", MalformedMessageException::new);
    String from = nonEmpty(r, "from");
    if (p.isRepair()) {
      QuorumMessage m = RepairCodec.read(p, from, r);
      r.end();
      return m;
    }
    String namespace = r.string("namespace");
    Bytes key = Bytes.wrap(r.bytes("key"));
    QuorumMessage m = switch (p) {
      case QUORUM_WRITE -> new QuorumMessage.WriteRequest(from, namespace, key, writtenValue(r));
      case HINTED_WRITE -> {
        String target = nonEmpty(r, "target");
        yield new QuorumMessage.HintedWrite(from, target, namespace, key, writtenValue(r));
      }
      case HINT_ACK -> {
        String target = nonEmpty(r, "target");
        HybridTimestamp version = HybridTimestamp.readFrom(r);
        int offset = r.position();
        int stored = r.u8("stored");
        if (stored > 1) {
          throw r.fail("stored", offset, "unknown code " + stored + "; allowed: 0 (refused), 1 (stored)");
        }
        yield new QuorumMessage.HintAck(from, target, namespace, key, version, stored == 1, r.string("reason"));
      }
      case QUORUM_ACK -> new QuorumMessage.WriteAck(from, namespace, key, HybridTimestamp.readFrom(r));
      case QUORUM_REFUSED -> new QuorumMessage.WriteRefused(from, namespace, key, HybridTimestamp.readFrom(r),
          r.string("reason"));
      case QUORUM_READ -> new QuorumMessage.ReadRequest(from, r.u64("readId"), namespace, key);
      case QUORUM_REPLY -> {
        long readId = r.u64("readId");
        yield new QuorumMessage.ReadReply(from, readId, namespace, key, readValue(r));
      }
      default -> throw new IllegalStateException("unreachable: " + p + " is a quorum procedure");
    };
    r.end();
    return m;
  }

  private static RecordWriter prefix(RecordWriter w, String namespace, Bytes key) {
    return w.string(namespace).bytes(key.unsafeArray());
  }

  private static void writeValue(RecordWriter w, EventualValue v) {
    switch (v) {
      case EventualValue.Absent a -> w.u8(ABSENT);
      case EventualValue.Present p -> {
        p.version().writeTo(w.u8(PRESENT));
        w.bytes(p.value().unsafeArray());
      }
      case EventualValue.Tombstone t -> t.version().writeTo(w.u8(TOMBSTONE));
    }
  }

  /** The value of a write or a hint: a value or a tombstone, never absent. */
  private static EventualValue writtenValue(RecordReader r) {
    int offset = r.position();
    EventualValue value = readValue(r);
    if (value instanceof EventualValue.Absent) {
      throw r.fail("value.kind", offset, "a write carries a value (1) or a tombstone (2), not absent (0)");
    }
    return value;
  }

  private static EventualValue readValue(RecordReader r) {
    int offset = r.position();
    int kind = r.u8("value.kind");
    return switch (kind) {
      case ABSENT -> EventualValue.ABSENT;
      case PRESENT -> new EventualValue.Present(HybridTimestamp.readFrom(r), Bytes.wrap(r.bytes("value")));
      case TOMBSTONE -> new EventualValue.Tombstone(HybridTimestamp.readFrom(r));
      default -> throw r.fail("value.kind", offset, "unknown code " + kind
          + "; allowed: 0 (absent), 1 (value), 2 (tombstone)");
    };
  }

  private static String nonEmpty(RecordReader r, String field) {
    int offset = r.position();
    String s = r.string(field);
    if (s.isEmpty()) {
      throw r.fail(field, offset, "empty; a node id is needed");
    }
    return s;
  }
}
