package io.dkv.protocol;

import io.dkv.protocol.ClientMessage.CopiedKey;
import io.dkv.protocol.ClientMessage.CopyRequest;
import io.dkv.protocol.ClientMessage.CopyResponse;
import java.util.ArrayList;
import java.util.List;

/** Field layouts of COPY_PARTITION's request and response; {@code docs/protocol.md} lists the same order. */
final class CopyBodies {
  /** The most entries a page may ask for: bounds the reply a replica builds. */
  static final int MAX_ENTRIES = 65_536;
  /** Smallest copied key: two empty byte strings (u32 lengths). */
  private static final int MIN_ENTRY_BYTES = 4 + 4;

  private CopyBodies() {}

  static void write(BodyWriter w, CopyRequest c) {
    w.i64(c.since()).u32(c.partitions().size());
    c.partitions().forEach(w::i32);
    w.bytes(c.after()).i32(c.maxEntries());
  }

  static void write(BodyWriter w, CopyResponse c) {
    w.bool(c.done()).bytes(c.next());
    writeKeys(w, c.entries());
    writeKeys(w, c.requests());
  }

  private static void writeKeys(BodyWriter w, List<CopiedKey> keys) {
    w.u32(keys.size());
    keys.forEach(e -> w.bytes(e.key()).bytes(e.record()));
  }

  static CopyRequest readRequest(BodyReader r) {
    int sinceAt = r.position();
    long since = r.i64("since");
    if (since < 0) {
      throw r.fail("since", sinceAt, "epoch " + since + " is negative");
    }
    int count = r.count("partitions", Integer.BYTES);
    List<Integer> partitions = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int at = r.position();
      int p = r.i32("partitions[" + i + "]");
      if (p < 0) {
        throw r.fail("partitions[" + i + "]", at, "partition " + p + " is negative");
      }
      partitions.add(p);
    }
    Bytes after = r.bytes("after");
    int maxAt = r.position();
    int maxEntries = r.i32("maxEntries");
    if (maxEntries < 1 || maxEntries > MAX_ENTRIES) {
      throw r.fail("maxEntries", maxAt, maxEntries + " entries; allowed 1.." + MAX_ENTRIES);
    }
    return new CopyRequest(since, partitions, after, maxEntries);
  }

  static CopyResponse readResponse(BodyReader r) {
    boolean done = r.bool("done");
    Bytes next = r.bytes("next");
    List<CopiedKey> entries = readKeys(r, "entries");
    return new CopyResponse(done, next, entries, readKeys(r, "requests"));
  }

  private static List<CopiedKey> readKeys(BodyReader r, String field) {
    int count = r.count(field, MIN_ENTRY_BYTES);
    List<CopiedKey> keys = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      keys.add(new CopiedKey(r.bytes(field + "[" + i + "].key"), r.bytes(field + "[" + i + "].record")));
    }
    return keys;
  }
}
