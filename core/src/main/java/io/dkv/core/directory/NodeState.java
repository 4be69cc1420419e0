package io.dkv.core.directory;

/**
 * Where a member is in its life. Only {@link #JOINING} and {@link #UP} members hold replicas: a
 * joining node is given its share at once so that it can copy it before it is marked up, and a
 * leaving, down or removed node is taken out of the map at once so that its partitions get other
 * replicas.
 *
 * <p>Allowed moves (anything else is rejected with the reason):
 * <pre>
 *   (unknown or removed) --Join--&gt; joining --MarkUp--&gt; up
 *   joining, up, leaving --MarkDown--&gt; down --MarkUp--&gt; up
 *   joining, up, down --Leave--&gt; leaving
 *   leaving, down --Remove--&gt; removed
 * </pre>
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

  /** Whether members in this state are in the partition map. */
  public boolean holdsReplicas() {
    return this == JOINING || this == UP;
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
