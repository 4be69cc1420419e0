package io.dkv.core.eventual;

import java.util.ArrayList;
import java.util.List;

/**
 * What a step of {@link EventualNode} asks its driver to do, in this order:
 * <ol>
 *   <li>if {@link #syncNeeded()}, call {@code Storage.sync()} (the step has already written its
 *       batches; they are visible but not yet durable);
 *   <li>only then send {@link #messages()}, deliver {@link #results()} and start
 *       {@link #repairs()} (in the background: a repair is a message like any other).
 * </ol>
 * Persist, then send: a replica's acknowledgement never leaves before the value it acknowledges
 * is durable. Steps may be merged under one sync (group commit) as long as nothing of any merged
 * step leaves before it, and outputs leave in step order (an acknowledgement may rest on a write
 * of an earlier step).
 */
public final class EventualOutput {
  private boolean syncNeeded;
  private final List<QuorumEnvelope> messages = new ArrayList<>();
  private final List<EventualResult> results = new ArrayList<>();
  private final List<ReadRepair> repairs = new ArrayList<>();

  public boolean syncNeeded() {
    return syncNeeded;
  }

  public List<QuorumEnvelope> messages() {
    return messages;
  }

  public List<EventualResult> results() {
    return results;
  }

  public List<ReadRepair> repairs() {
    return repairs;
  }

  public boolean isEmpty() {
    return !syncNeeded && messages.isEmpty() && results.isEmpty() && repairs.isEmpty();
  }

  EventualOutput requireSync() {
    syncNeeded = true;
    return this;
  }

  EventualOutput send(String to, QuorumMessage m) {
    messages.add(new QuorumEnvelope(to, m));
    return this;
  }

  EventualOutput reply(EventualResult r) {
    results.add(r);
    return this;
  }

  EventualOutput repair(ReadRepair r) {
    repairs.add(r);
    return this;
  }

  /** Appends everything {@code other} asks for to this output. */
  public EventualOutput merge(EventualOutput other) {
    syncNeeded |= other.syncNeeded;
    messages.addAll(other.messages);
    results.addAll(other.results);
    repairs.addAll(other.repairs);
    return this;
  }
}
