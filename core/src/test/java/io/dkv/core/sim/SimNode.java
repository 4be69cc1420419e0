package io.dkv.core.sim;

import io.dkv.core.storage.InMemoryStorage;
import io.dkv.core.twopc.TwoPhaseNode;
import java.util.ArrayDeque;

/** One simulated process: its disk survives crashes, everything else does not. */
final class SimNode {
  /** The tick marker in a node's inbox. */
  static final Object TICK = new Object() {
    @Override
    public String toString() {
      return "TICK";
    }
  };

  final String id;
  final InMemoryStorage storage = new InMemoryStorage();
  TwoPhaseNode core;
  boolean up;
  /**
   * The configuration epoch this node's directory view gives every partition. It survives
   * crashes, as the node's cached directory state does.
   */
  long knownEpoch;
  /**
   * Whether the node holds its read lease ({@link SimDirectory}). A directory fact rather than
   * process state here: a restarted core is told again.
   */
  boolean hasLease = true;
  /**
   * Bumped at every crash and restart. A message carries both ends' generations when sent and is
   * dropped if either changed: TCP loses what is in flight to or from a process that died.
   */
  long generation;
  /** Events waiting for the node's loop: peer messages, client commands, {@link #TICK}. */
  final ArrayDeque<Object> inbox = new ArrayDeque<>();
  boolean runScheduled;

  SimNode(String id) {
    this.id = id;
  }

  @Override
  public String toString() {
    return id + (up ? "" : "(down)");
  }
}
