package io.dkv.core.directory;

import java.util.Objects;

/**
 * A namespace's settings: its writes go to the first {@code n} replicas of a key's partition,
 * are acknowledged after {@code w} of them, and reads are answered after {@code r} replies.
 *
 * @param createdEpoch the directory epoch of the command that created it (0 for {@code default}).
 *     A namespace dropped and created again under the same name gets a new one, which tells a node
 *     that the data it holds under that name belongs to the dropped namespace.
 */
public record Namespace(String name, NamespaceMode mode, int n, int w, int r, long createdEpoch) {
  /** The namespace every cluster has; it cannot be dropped. */
  public static final String DEFAULT = "default";

  public Namespace {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mode, "mode");
  }

  /**
   * The name its keys are stored under: the name itself for {@code default}, the name and its
   * creation epoch for any other, so that a namespace created again under a dropped one's name
   * never sees the dropped one's keys. ('@' cannot occur in a name.)
   */
  public String storageName() {
    return createdEpoch == 0 ? name : name + "@" + createdEpoch;
  }

  /** The namespace name in a {@link #storageName()}. */
  public static String nameOf(String storageName) {
    int at = storageName.indexOf('@');
    return at < 0 ? storageName : storageName.substring(0, at);
  }

  /** The default namespace of a cluster with this replication factor: strong on every replica. */
  static Namespace defaultFor(int replicationFactor) {
    return new Namespace(DEFAULT, NamespaceMode.STRONG, replicationFactor, replicationFactor, 1, 0);
  }
}
