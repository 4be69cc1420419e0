package io.dkv.core.eventual;

import io.dkv.protocol.Bytes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One read a coordinator is collecting replies for. */
final class PendingRead {
  final long handle;
  final long readId;
  final String namespace;
  final Bytes key;
  /** The replicas in the order to ask them: this node first when it is one. */
  final List<String> order;
  final int quorum;
  final long deadlineMillis;
  /** Invariant: replies.keySet() is a subset of asked, which is a subset of order. */
  private final Set<String> asked = new LinkedHashSet<>();
  private final Map<String, EventualValue> replies = new LinkedHashMap<>();
  private long nextRetryAtMillis;

  PendingRead(long handle, long readId, String namespace, Bytes key, List<String> order, int quorum,
              long deadlineMillis, long nextRetryAtMillis) {
    this.handle = handle;
    this.readId = readId;
    this.namespace = namespace;
    this.key = key;
    this.order = order;
    this.quorum = quorum;
    this.deadlineMillis = deadlineMillis;
    this.nextRetryAtMillis = nextRetryAtMillis;
  }

  /** Asks the first {@code quorum} replicas. */
  void start(String self, EventualOutput out) {
    for (String r : order.subList(0, quorum)) {
      ask(r, self, out);
    }
  }

  /** Records a reply; returns false for a stray or duplicate one. */
  boolean onReply(String from, EventualValue value) {
    if (!asked.contains(from) || replies.containsKey(from)) {
      return false;
    }
    replies.put(from, value);
    return true;
  }

  boolean complete() {
    return replies.size() >= quorum;
  }

  int replies() {
    return replies.size();
  }

  /** The answer and, when some replica may lack the newest value, the repair to run. */
  void finish(EventualOutput out) {
    EventualValue newest = replies.values().stream().reduce(EventualValue.ABSENT, EventualValue::merge);
    out.reply(new EventualResult.ReadValue(handle, newest));
    if (newest.versionOrNull() == null) {
      return; // nothing to spread
    }
    List<String> stale = new ArrayList<>();
    replies.forEach((replica, v) -> {
      if (!v.equals(newest)) {
        stale.add(replica);
      }
    });
    List<String> silent = asked.stream().filter(r -> !replies.containsKey(r)).toList();
    if (!stale.isEmpty() || !silent.isEmpty()) {
      out.repair(new ReadRepair(namespace, key, newest, stale, silent));
    }
  }

  /** Asks every replica that has not replied, asked before or not, if the retry interval has passed. */
  void retry(long nowMillis, long retryMillis, String self, EventualOutput out) {
    if (nowMillis < nextRetryAtMillis) {
      return;
    }
    nextRetryAtMillis = nowMillis + retryMillis;
    for (String r : order) {
      if (!replies.containsKey(r)) {
        ask(r, self, out);
      }
    }
  }

  private void ask(String replica, String self, EventualOutput out) {
    asked.add(replica);
    out.send(replica, new QuorumMessage.ReadRequest(self, readId, namespace, key));
  }
}
