package io.dkv.core.eventual;

import io.dkv.protocol.Bytes;
import java.util.Comparator;

/**
 * What one replica holds for a key of an eventual namespace: nothing, a value, or a tombstone,
 * each but the first with the {@link HybridTimestamp} version of the write that made it.
 *
 * <p>Last writer wins. {@link #merge} keeps the greater of two values in one total order
 * ({@link #ORDER}): absent below everything, then by version; on equal versions (which two
 * different writes never have: a version names the node that issued it and a clock never issues a
 * timestamp twice) a tombstone wins over a value, and of two values the one whose bytes compare
 * greater unsigned wins, so that even then every replica picks the same one. A maximum in a total
 * order makes merge commutative, associative and idempotent, which is what lets replicas exchange
 * values in any order, any number of times, and end identical.
 *
 * <p>Tombstones. A delete is a write of a tombstone, so that a replica which missed the delete
 * cannot bring the value back by repair: the tombstone's newer version wins the merge. A tombstone
 * may only be purged once every replica of its key holds it (or something newer); a replica that
 * purged it early and then merged an old copy of the value from a replica that missed the delete
 * would resurrect the value. {@link Tombstone#deletedAtMillis()} is what a purge after a grace
 * period counts from; this core never purges (the repair slices do, after anti-entropy confirms
 * that every replica has the tombstone).
 *
 * <p>Stored encoding: {@link StoredValue}.
 */
public sealed interface EventualValue {
  /** The key was never written here (or its tombstone was purged). */
  Absent ABSENT = new Absent();

  /** The one total order of values that {@link #merge} takes the maximum of. */
  Comparator<EventualValue> ORDER = EventualValue::compare;

  record Absent() implements EventualValue {}

  record Present(HybridTimestamp version, Bytes value) implements EventualValue {
    public Present {
      if (version == null || value == null) {
        throw new IllegalArgumentException("a value needs a version and bytes");
      }
    }
  }

  record Tombstone(HybridTimestamp version) implements EventualValue {
    public Tombstone {
      if (version == null) {
        throw new IllegalArgumentException("a tombstone needs a version");
      }
    }

    /** When the delete was issued: the physical part of its version (the coordinator's clock). */
    public long deletedAtMillis() {
      return version.wallMillis();
    }
  }

  /** The greater of {@code a} and {@code b} in {@link #ORDER}: the last writer's. */
  static EventualValue merge(EventualValue a, EventualValue b) {
    return compare(a, b) >= 0 ? a : b;
  }

  /** The version of the write that made this value; null for {@link Absent}. */
  default HybridTimestamp versionOrNull() {
    return switch (this) {
      case Absent a -> null;
      case Present p -> p.version();
      case Tombstone t -> t.version();
    };
  }

  /** Whether merging {@code other} into this would change nothing. */
  default boolean covers(EventualValue other) {
    return compare(this, other) >= 0;
  }

  private static int compare(EventualValue a, EventualValue b) {
    HybridTimestamp va = a.versionOrNull();
    HybridTimestamp vb = b.versionOrNull();
    if (va == null || vb == null) {
      return Boolean.compare(va != null, vb != null);
    }
    int byVersion = va.compareTo(vb);
    if (byVersion != 0) {
      return byVersion;
    }
    return switch (a) {
      case Tombstone ta -> b instanceof Tombstone ? 0 : 1;
      case Present pa -> b instanceof Present pb ? pa.value().compareTo(pb.value()) : -1;
      case Absent x -> throw new IllegalStateException("unreachable: absent has no version");
    };
  }
}
