package io.dkv.core.directory;

import java.util.Objects;

/**
 * A namespace's settings: its writes go to the first {@code n} replicas of a key's partition,
 * are acknowledged after {@code w} of them, and reads are answered after {@code r} replies.
 */
public record Namespace(String name, NamespaceMode mode, int n, int w, int r) {
  /** The namespace every cluster has; it cannot be dropped. */
  public static final String DEFAULT = "default";

  public Namespace {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mode, "mode");
  }

  /** The default namespace of a cluster with this replication factor: strong on every replica. */
  static Namespace defaultFor(int replicationFactor) {
    return new Namespace(DEFAULT, NamespaceMode.STRONG, replicationFactor, replicationFactor, 1);
  }
}
