package io.dkv.core.eventual;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;
import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.Storage;
import io.dkv.core.storage.WriteBatch;
import io.dkv.core.twopc.CorruptRecordException;
import java.nio.charset.StandardCharsets;

/**
 * A durable upper bound on the physical part of every version this node has stamped, so that a
 * restarted node stamps above all of them even when its wall clock was set back meanwhile.
 *
 * <p>Why a bound and not the last version: writing every stamp to disk would cost a sync per
 * write on a coordinator that is not a replica. Instead the bound runs {@code leadMillis} ahead,
 * and is raised (one small META write, synced before the stamp leaves, by the driver contract)
 * only when a stamp passes it: at most once per {@code leadMillis} under steady writes. A restarted
 * clock starts just above the bound ({@link HybridClock#startAbove}), so its first versions may
 * run up to {@code leadMillis} ahead of its wall clock: the lead is half the drift bound, which
 * keeps them within what the other replicas accept (CockroachDB persists a similar upper bound
 * and, instead, waits it out at start).
 */
final class ClockCeiling {
  static final byte[] KEY = "eventual/clock-ceiling".getBytes(StandardCharsets.UTF_8);

  private final Storage storage;
  private final long leadMillis;
  /** The bound as last written (visible; durable once the step that wrote it has synced). */
  private long ceiling;

  ClockCeiling(Storage storage, long leadMillis) {
    this.storage = storage;
    this.leadMillis = leadMillis;
    byte[] b = storage.get(ColumnFamily.META, KEY);
    this.ceiling = b == null ? 0
        : new RecordReader(b, "clock ceiling", CorruptRecordException::new).u64("ceiling");
  }

  /** The bound found in storage at start, 0 if this node never stamped a version. */
  long ceiling() {
    return ceiling;
  }

  /** Raises the bound above {@code stamp} if it is not yet, asking the step for a sync. */
  void cover(HybridTimestamp stamp, EventualOutput out) {
    if (stamp.wallMillis() <= ceiling) {
      return;
    }
    ceiling = Math.min(stamp.wallMillis() + leadMillis, HybridTimestamp.MAX_WALL_MILLIS);
    storage.write(new WriteBatch().put(ColumnFamily.META, KEY, new RecordWriter().u64(ceiling).toByteArray()));
    out.requireSync();
  }
}
