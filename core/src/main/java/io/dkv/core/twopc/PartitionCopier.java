package io.dkv.core.twopc;

import io.dkv.core.storage.WriteBatch;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ErrorCode;
import io.dkv.protocol.TxnId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Both ends of copying a partition to its learner (docs/directory.md §9): a replica reads pages of
 * committed keys ({@link ClientCommand.Copy}), the learner installs them ({@link
 * ClientCommand.Install}). Why the result is exactly the partition's committed state: every write
 * since the move started reaches the learner itself (it is a participant from then on), and every
 * earlier one is committed at the replica before the page that holds its key is read, because
 * the replica refuses writes routed without the learner once its view has the move, and a page
 * stops before a key that a transaction still holds. Installing keeps the newer of the copied and
 * the learner's own version, so the two paths never undo each other.
 *
 * <p>Once the data keys are done, the copy pages through the partitions' request-id records (so
 * that the learner, once a replica, knows a retry of a request that committed before the move):
 * the cursor then is {@link #REQUESTS_PHASE} followed by the last JOURNAL request-id key sent. By
 * then no transaction from before the move holds a key of the partitions (the data phase ends only
 * without one), so every commit from before the move has written its record; later ones reach the
 * learner as a participant. They used to come all at once on the last page: at a high write rate
 * and a ten-minute window, one huge answer, built in one step of the source's core thread.
 */
final class PartitionCopier {
  /** Keys looked at per page at most, wanted or not: bounds a step's work on the core's thread. */
  static final int MAX_EXAMINED = 4_096;
  /** Bytes of records per page at most (a page holds at least one key, whatever its size). */
  static final int MAX_PAGE_BYTES = 4 << 20;
  private static final int KEYS_PER_READ = 256;
  /**
   * A cursor's first byte in the request-id phase. A DATA key never starts with it: its first
   * byte is the high byte of its namespace name's length, which is at most 64.
   */
  static final byte REQUESTS_PHASE = (byte) 0xFF;

  private final Journal journal;
  private final LockTable locks;
  private final ParticipantState participant;
  private final DedupWindow dedup;

  PartitionCopier(Journal journal, LockTable locks, ParticipantState participant,
                  DedupWindow dedup) {
    this.journal = journal;
    this.locks = locks;
    this.participant = participant;
    this.dedup = dedup;
  }

  void copy(ClientCommand.Copy c, Output out) {
    PartitionEpochs epochs = participant.epochs();
    if (epochs.viewEpoch() < c.since()) {
      // Epochs only grow: a view at c.since() or later has every move the copy is for.
      out.reply(new ClientResult.Failed(c.handle(), ErrorCode.STALE_EPOCH, "this node's view is at"
          + " epoch " + epochs.viewEpoch() + ", before the moves of the copy (up to epoch "
          + c.since() + "); ask again once its view has caught up"));
      return;
    }
    byte[] after = c.after().unsafeArray();
    if (after.length > 0 && after[0] == REQUESTS_PHASE) {
      copyRequests(c, Arrays.copyOfRange(after, 1, after.length), epochs, out);
      return;
    }
    List<CopiedEntry> entries = new ArrayList<>();
    byte[] last = after;
    // The page ends before the first held key, whether or not it has a committed value yet: a
    // first write of a key, prepared here before this node's view had the move, is invisible
    // among the data keys, and skipping past it would lose its commit at the learner.
    byte[] held = firstHeldAfter(last, c.partitions(), epochs);
    int examined = 0;
    long bytes = 0;
    while (entries.size() < c.maxEntries() && examined < MAX_EXAMINED && bytes < MAX_PAGE_BYTES) {
      List<byte[]> keys = journal.dataKeys(successor(last), KEYS_PER_READ);
      if (keys.isEmpty()) {
        // Every data key is sent unless a held key stopped the page: then ask again from there.
        byte[] next = held == null ? new byte[] {REQUESTS_PHASE} : last;
        out.reply(new ClientResult.Copied(c.handle(), entries, List.of(), Bytes.wrap(next), false));
        return;
      }
      for (byte[] key : keys) {
        if (held != null && Arrays.compareUnsigned(key, held) >= 0) {
          break; // the page ends before it: its value may be about to change without the learner
        }
        examined++;
        DataKey dk = DataKey.decode(key);
        if (c.partitions().contains(epochs.partitionOf(dk.namespace(), dk.key()))) {
          byte[] record = journal.readDataBytes(key);
          entries.add(new CopiedEntry(Bytes.wrap(key), Bytes.wrap(record)));
          bytes += key.length + record.length;
        }
        last = key;
        if (entries.size() >= c.maxEntries() || examined >= MAX_EXAMINED || bytes >= MAX_PAGE_BYTES) {
          break;
        }
      }
      if (!Arrays.equals(last, keys.get(keys.size() - 1))) {
        break; // stopped inside this read: by a held key or a limit
      }
    }
    out.reply(new ClientResult.Copied(c.handle(), entries, List.of(), Bytes.wrap(last), false));
  }

  /**
   * A page of the request-id records of the partitions' keys after {@code last} (a JOURNAL key,
   * empty for the first), within the same limits as a page of data; done once none is left.
   */
  private void copyRequests(ClientCommand.Copy c, byte[] last, PartitionEpochs epochs, Output out) {
    if (holdsWriteFromBefore(c.since(), c.partitions(), epochs)) {
      // Its request-id record is not written yet. The data pages may have come from another
      // replica that had already committed the write: wait here until it is decided.
      out.reply(new ClientResult.Copied(c.handle(), List.of(), List.of(), Bytes.wrap(phaseCursor(last)),
          false));
      return;
    }
    List<CopiedEntry> requests = new ArrayList<>();
    int examined = 0;
    long bytes = 0;
    while (requests.size() < c.maxEntries() && examined < MAX_EXAMINED && bytes < MAX_PAGE_BYTES) {
      List<byte[]> keys = journal.dedupKeys(successor(last), KEYS_PER_READ);
      if (keys.isEmpty()) {
        out.reply(new ClientResult.Copied(c.handle(), List.of(), requests,
            Bytes.wrap(phaseCursor(last)), true));
        return;
      }
      for (byte[] key : keys) {
        examined++;
        DataKey dk = Journal.dedupDataKey(key);
        byte[] record = c.partitions().contains(epochs.partitionOf(dk.namespace(), dk.key()))
            ? journal.readJournalBytes(key) : null;
        if (record != null) {
          requests.add(new CopiedEntry(Bytes.wrap(key), Bytes.wrap(record)));
          bytes += key.length + record.length;
        }
        last = key;
        if (requests.size() >= c.maxEntries() || examined >= MAX_EXAMINED || bytes >= MAX_PAGE_BYTES) {
          break;
        }
      }
    }
    out.reply(new ClientResult.Copied(c.handle(), List.of(), requests, Bytes.wrap(phaseCursor(last)),
        false));
  }

  /**
   * Whether a transaction routed before the moves ({@code since}) holds a key of {@code partitions}
   * here. Found by the simulation (seed 19264): a learner's data pages came from a replica that
   * had committed a putIfAbsent, its request-id phase from one that had only prepared it, so the
   * learner, once a replica, took the client's retry for a new request and answered "condition
   * failed" for a write that had been applied.
   */
  private boolean holdsWriteFromBefore(long since, Set<Integer> partitions, PartitionEpochs epochs) {
    for (DataKey key : locks.heldKeys()) {
      WorkerRecord rec = participant.record(locks.holder(key));
      if (rec != null && rec.writeOn(key).epoch() < since
          && partitions.contains(epochs.partitionOf(key.namespace(), key.key()))) {
        return true;
      }
    }
    return false;
  }

  private static byte[] phaseCursor(byte[] journalKey) {
    byte[] cursor = new byte[journalKey.length + 1];
    cursor[0] = REQUESTS_PHASE;
    System.arraycopy(journalKey, 0, cursor, 1, journalKey.length);
    return cursor;
  }

  /** The smallest encoded key after {@code after} of {@code partitions} that is held, or null. */
  private byte[] firstHeldAfter(byte[] after, Set<Integer> partitions, PartitionEpochs epochs) {
    byte[] first = null;
    for (DataKey key : locks.heldKeys()) {
      byte[] encoded = key.encode();
      if (partitions.contains(epochs.partitionOf(key.namespace(), key.key()))
          && Arrays.compareUnsigned(encoded, after) > 0
          && (first == null || Arrays.compareUnsigned(encoded, first) < 0)) {
        first = encoded;
      }
    }
    return first;
  }

  void install(ClientCommand.Install c, long nowMillis, Output out) {
    PartitionEpochs epochs = participant.epochs();
    List<DataKey> keys = new ArrayList<>(c.entries().size());
    List<DataRecord> records = new ArrayList<>(c.entries().size());
    for (CopiedEntry e : c.entries()) {
      DataKey key;
      DataRecord record;
      try {
        key = DataKey.decode(e.key().unsafeArray());
        record = DataRecord.decode(e.record().unsafeArray());
      } catch (CorruptRecordException bad) {
        out.reply(new ClientResult.Failed(c.handle(), ErrorCode.INVALID_ARGUMENT,
            "a copied entry is not a data key and record: " + bad.getMessage()));
        return;
      }
      String refusal = refusal(epochs, key, c.since());
      if (refusal != null) {
        out.reply(new ClientResult.Failed(c.handle(), refusal.startsWith("key")
            ? ErrorCode.UNAVAILABLE : ErrorCode.STALE_EPOCH, refusal));
        return;
      }
      keys.add(key);
      records.add(record);
    }
    ClientResult.Failed badRequest = checkRequests(c, epochs);
    if (badRequest != null) {
      out.reply(badRequest);
      return;
    }
    WriteBatch batch = new WriteBatch();
    int installed = 0;
    for (int i = 0; i < keys.size(); i++) {
      if (records.get(i).version() > journal.readData(keys.get(i)).version()) {
        Journal.putData(batch, keys.get(i), records.get(i));
        installed++;
      }
    }
    for (CopiedEntry e : c.requests()) {
      byte[] key = e.key().unsafeArray();
      if (!journal.hasDedup(key)) {
        Journal.putDedupBytes(batch, key, e.record().unsafeArray());
        dedup.track(key, nowMillis);
      }
    }
    journal.write(batch);
    out.requireSync().reply(new ClientResult.Installed(c.handle(), installed));
  }

  /** Why {@code c}'s request-id records may not be installed, or null. */
  private static ClientResult.Failed checkRequests(ClientCommand.Install c, PartitionEpochs epochs) {
    for (CopiedEntry e : c.requests()) {
      DataKey key;
      try {
        key = Journal.dedupDataKey(e.key().unsafeArray());
        DedupRecord.decode(e.record().unsafeArray());
      } catch (CorruptRecordException bad) {
        return new ClientResult.Failed(c.handle(), ErrorCode.INVALID_ARGUMENT,
            "a copied request is not a request-id key and record: " + bad.getMessage());
      }
      String refusal = notLearning(epochs, key, c.since());
      if (refusal != null) {
        return new ClientResult.Failed(c.handle(), ErrorCode.STALE_EPOCH, refusal);
      }
    }
    return null;
  }

  /**
   * Why this node may not install {@code key} for a copy asked for moves that started at {@code
   * since} or before, or null: a move of the key's partition that started later is another
   * attempt (the node was dropped and added again since), whose copy must start over.
   */
  private static String notLearning(PartitionEpochs epochs, DataKey key, long since) {
    long learning = epochs.learnerSince(key.namespace(), key.key());
    return learning != PartitionEpochs.NOT_LEARNING && learning <= since ? null
        : "this node is not the learner of " + key + "'s partition by a move that started by"
            + " epoch " + since + (learning == PartitionEpochs.NOT_LEARNING ? " (it learns none)"
                : " (its move started at " + learning + ")") + "; the move ended or started over";
  }

  /** Why {@code key} may not be installed now, or null. */
  private String refusal(PartitionEpochs epochs, DataKey key, long since) {
    String notLearning = notLearning(epochs, key, since);
    if (notLearning != null) {
      return notLearning;
    }
    TxnId holder = locks.holder(key);
    WorkerRecord rec = holder == null ? null : participant.record(holder);
    if (rec == null) {
      return null;
    }
    long epoch = rec.writeOn(key).epoch();
    // Either way the holder's outcome could contradict the copy: from before the move it may
    // commit below the copied version; since the move it may be the very write the copy holds,
    // and applying it after the copy would write the key again at the same version.
    return "key " + key + " is held by transaction " + holder + " of epoch " + epoch
        + (epoch < since
            ? ", before the move (" + since + "); its outcome could land below the copy"
            : ", which the copy may already hold")
        + ", so ask again once it is decided";
  }

  /** The smallest key after {@code key}: the same bytes and a zero. */
  private static byte[] successor(byte[] key) {
    return key.length == 0 ? key : Arrays.copyOf(key, key.length + 1);
  }
}
