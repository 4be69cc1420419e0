package io.dkv.core.eventual;

import io.dkv.protocol.Bytes;

/**
 * What a replica holds for a key, without the value's bytes: the kind and the version. What
 * anti-entropy compares and hashes; two different writes never share a version, so equal kind and
 * version mean the same write.
 */
public record KeyVersion(Bytes key, boolean tombstone, HybridTimestamp version) implements Comparable<KeyVersion> {
  public KeyVersion {
    if (key == null || version == null) {
      throw new IllegalArgumentException("a key version needs a key and a version");
    }
  }

  /** The kind and version of {@code v}; null for absent. */
  static KeyVersion of(Bytes key, EventualValue v) {
    return switch (v) {
      case EventualValue.Absent a -> null;
      case EventualValue.Present p -> new KeyVersion(key, false, p.version());
      case EventualValue.Tombstone t -> new KeyVersion(key, true, t.version());
    };
  }

  /** A tombstone older than {@code cutoffMillis}: past the grace period, as good as absent. */
  boolean expired(long cutoffMillis) {
    return tombstone && version.wallMillis() < cutoffMillis;
  }

  /** By version; at equal versions a tombstone wins, as in {@link EventualValue#merge}. */
  @Override
  public int compareTo(KeyVersion o) {
    int byVersion = version.compareTo(o.version);
    return byVersion != 0 ? byVersion : Boolean.compare(tombstone, o.tombstone);
  }

  /**
   * Whether anti-entropy ships {@code mine} to a replica that holds {@code theirs} (null: absent):
   * when it is newer, except that a tombstone past the grace period and absent count as equal, so
   * that a purge done on some replicas and not yet on others is not undone by shipping the
   * tombstone back.
   */
  static boolean shouldShip(KeyVersion mine, KeyVersion theirs, long cutoffMillis) {
    if (mine == null) {
      return false;
    }
    if (theirs == null) {
      return !mine.expired(cutoffMillis);
    }
    return mine.compareTo(theirs) > 0;
  }
}
