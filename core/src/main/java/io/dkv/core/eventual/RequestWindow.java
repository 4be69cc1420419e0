package io.dkv.core.eventual;

import io.dkv.protocol.Bytes;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The writes a coordinator started recently, by request id: a retry of one is sent with the
 * version (and value) of its first attempt, so that every copy of the write a replica may receive
 * carries one version, and merging it again changes nothing. In memory only, for
 * {@code windowMillis} and at most {@code maxEntries} requests (the oldest are forgotten first).
 */
final class RequestWindow {
  /** Request ids are the client's, so they are only unique together with the key they write. */
  record RequestKey(long requestId, String namespace, Bytes key) {}

  private record Entry(EventualValue value, long expiresAtMillis) {}

  private final long windowMillis;
  private final int maxEntries;
  /** In insertion order: the oldest first. */
  private final LinkedHashMap<RequestKey, Entry> entries = new LinkedHashMap<>();

  RequestWindow(long windowMillis, int maxEntries) {
    this.windowMillis = windowMillis;
    this.maxEntries = maxEntries;
  }

  /** The value the request was first sent with, or null if it is not remembered. */
  EventualValue get(RequestKey request) {
    Entry e = entries.get(request);
    return e == null ? null : e.value();
  }

  void remember(RequestKey request, EventualValue value, long nowMillis) {
    entries.put(request, new Entry(value, nowMillis + windowMillis));
    if (entries.size() > maxEntries) {
      Iterator<RequestKey> oldest = entries.keySet().iterator();
      oldest.next();
      oldest.remove();
    }
  }

  /**
   * Forgets expired requests from the oldest on, up to the first that has not expired. A wall clock
   * that went back may leave an expired entry behind a live one for a while; the size bound holds
   * regardless.
   */
  void expire(long nowMillis) {
    Iterator<Map.Entry<RequestKey, Entry>> it = entries.entrySet().iterator();
    while (it.hasNext() && it.next().getValue().expiresAtMillis() <= nowMillis) {
      it.remove();
    }
  }

  int size() {
    return entries.size();
  }
}
