package io.dkv.core.twopc;

import java.util.ArrayList;
import java.util.List;

/**
 * What a step of {@link TwoPhaseNode} asks its driver to do, in this order:
 * <ol>
 *   <li>if {@link #syncNeeded()}, call {@code Storage.sync()} (the step has already written its
 *       batches; they are visible but not yet durable);
 *   <li>only then send {@link #messages()} and deliver {@link #results()}.
 * </ol>
 * Persist, then send: a vote, decision, ack or client reply never leaves before the records it
 * depends on are durable. A driver may merge the outputs of many steps and sync once for all of
 * them (group commit), as long as nothing of any merged step leaves before that sync.
 */
public final class Output {
  private boolean syncNeeded;
  private final List<Envelope> messages = new ArrayList<>();
  private final List<ClientResult> results = new ArrayList<>();

  public boolean syncNeeded() {
    return syncNeeded;
  }

  public List<Envelope> messages() {
    return messages;
  }

  public List<ClientResult> results() {
    return results;
  }

  public boolean isEmpty() {
    return !syncNeeded && messages.isEmpty() && results.isEmpty();
  }

  public Output requireSync() {
    syncNeeded = true;
    return this;
  }

  public Output send(Envelope e) {
    messages.add(e);
    return this;
  }

  public Output reply(ClientResult r) {
    results.add(r);
    return this;
  }

  /** Appends everything {@code other} asks for to this output. */
  public Output merge(Output other) {
    syncNeeded |= other.syncNeeded;
    messages.addAll(other.messages);
    results.addAll(other.results);
    return this;
  }
}
