package io.dkv.core.directory;

/**
 * Where a member is in its life. Every member but a removed one is in the partition map: a
 * joining node enters it with no replicas (it gets partitions only by catching up, never by a
 * command that hands it data it does not have), a leaving node keeps its replicas until they are
 * moved away, and a down node keeps them until {@code Evict} takes it out of its replica lists
 * (its partitions then go on with the replicas they have left). A removed node holds nothing.
 *
 * <p>Allowed moves (anything else is rejected with the reason):
 * <pre>
 *   (unknown or removed) --Join--&gt; joining --MarkUp--&gt; up
 *   joining, up, leaving --MarkDown--&gt; down --MarkUp--&gt; up (leaving if draining)
 *   down --Evict--&gt; down (out of the replica lists it can leave)
 *   joining, up, down --Leave--&gt; leaving, draining
 *   leaving, down (holding no replica) --Remove--&gt; removed
 *
 *   in the map:  joining, up, leaving, down
 *   outside it:  removed
 * </pre>
 * Draining ({@link Member#draining()}) is the operator's request to remove the node; it lasts
 * until the node is removed, whatever down spells come between.
 * The codes are part of the directory's encoding: never reuse or renumber one.
 */
public enum NodeState {
  JOINING(1),
  UP(2),
  LEAVING(3),
  DOWN(4),
  REMOVED(5);

  private final int code;

  NodeState(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /**
   * Whether members in this state are in the partition map (and so may be in replica lists; a
   * member of the map may also hold none).
   */
  public boolean holdsReplicas() {
    return this != REMOVED;
  }

  /** The state with this code; {@link IllegalArgumentException} naming the known codes if none. */
  public static NodeState ofCode(int code) {
    for (NodeState s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown node state code " + code
        + "; known: 1 (joining) to 5 (removed)");
  }

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
