package io.dkv.core.twopc;

import io.dkv.core.codec.RecordReader;
import io.dkv.core.codec.RecordWriter;

import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.Storage;
import io.dkv.core.storage.WriteBatch;
import io.dkv.protocol.TxnId;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * This core's view of the {@link Storage} port: the key layout of the three column families and
 * typed reads and writes. It only writes batches; whether and when they are synced is decided by
 * the callers through {@link io.dkv.core.twopc.Output#requireSync()}.
 *
 * <pre>
 * DATA     namespace-len u16 | namespace | key                 → DataRecord
 * JOURNAL  'W' | txn                                           → WorkerRecord   (participant)
 *          'D' | txn                                           → DecisionRecord (coordinator)
 *          'R' | requestId u64 | namespace-len u16 | namespace | key-len u32 | key
 *                                                              → DedupRecord
 * META     "twopc/incarnation"                                 → u64
 * txn = coordinator-len u16 | coordinator | incarnation u64 | sequence u64
 * </pre>
 */
final class Journal {
  private static final byte WORKER = 'W';
  private static final byte DECISION = 'D';
  private static final byte DEDUP = 'R';
  static final byte[] INCARNATION_KEY = "twopc/incarnation".getBytes(StandardCharsets.UTF_8);

  private final Storage storage;

  Journal(Storage storage) {
    this.storage = storage;
  }

  void write(WriteBatch batch) {
    if (!batch.isEmpty()) {
      storage.write(batch);
    }
  }

  long readIncarnation() {
    byte[] b = storage.get(ColumnFamily.META, INCARNATION_KEY);
    return b == null ? 0 : new RecordReader(b, "incarnation", CorruptRecordException::new).u64("incarnation");
  }

  static void putIncarnation(WriteBatch batch, long incarnation) {
    batch.put(ColumnFamily.META, INCARNATION_KEY, new RecordWriter().u64(incarnation).toByteArray());
  }

  DataRecord readData(DataKey key) {
    return DataRecord.decode(storage.get(ColumnFamily.DATA, key.encode()));
  }

  /** Up to {@code limit} DATA keys from {@code from} (inclusive), in key order. */
  List<byte[]> dataKeys(byte[] from, int limit) {
    return storage.keys(ColumnFamily.DATA, new byte[0], from, limit);
  }

  /** At most {@code limit} request-id record keys (JOURNAL) not below {@code from}, in order. */
  List<byte[]> dedupKeys(byte[] from, int limit) {
    return storage.keys(ColumnFamily.JOURNAL, new byte[] {DEDUP}, from, limit);
  }

  /** The raw JOURNAL record under {@code key}, or null (a request-id record expired since). */
  byte[] readJournalBytes(byte[] key) {
    return storage.get(ColumnFamily.JOURNAL, key);
  }

  /** The raw DATA record under an encoded key, or null. */
  byte[] readDataBytes(byte[] encodedKey) {
    return storage.get(ColumnFamily.DATA, encodedKey);
  }

  static void putData(WriteBatch batch, DataKey key, DataRecord record) {
    batch.put(ColumnFamily.DATA, key.encode(), record.encode());
  }

  static void putWorker(WriteBatch batch, WorkerRecord rec) {
    batch.put(ColumnFamily.JOURNAL, txnKey(WORKER, rec.txn()), rec.encode());
  }

  static void deleteWorker(WriteBatch batch, TxnId txn) {
    batch.delete(ColumnFamily.JOURNAL, txnKey(WORKER, txn));
  }

  static void putDecision(WriteBatch batch, DecisionRecord rec) {
    batch.put(ColumnFamily.JOURNAL, txnKey(DECISION, rec.txn()), rec.encode());
  }

  static void deleteDecision(WriteBatch batch, TxnId txn) {
    batch.delete(ColumnFamily.JOURNAL, txnKey(DECISION, txn));
  }

  DedupRecord readDedup(long requestId, DataKey key) {
    byte[] b = storage.get(ColumnFamily.JOURNAL, dedupKey(requestId, key));
    return b == null ? null : DedupRecord.decode(b);
  }

  static void putDedup(WriteBatch batch, long requestId, DataKey key, DedupRecord rec) {
    batch.put(ColumnFamily.JOURNAL, dedupKey(requestId, key), rec.encode());
  }

  List<WorkerRecord> loadWorkerRecords() {
    List<WorkerRecord> out = new ArrayList<>();
    storage.scan(ColumnFamily.JOURNAL, new byte[] {WORKER}, (k, v) -> out.add(WorkerRecord.decode(v)));
    return out;
  }

  List<DecisionRecord> loadDecisions() {
    List<DecisionRecord> out = new ArrayList<>();
    storage.scan(ColumnFamily.JOURNAL, new byte[] {DECISION},
        (k, v) -> out.add(DecisionRecord.decode(v)));
    return out;
  }

  /** The JOURNAL keys of every dedup record, in key order. */
  List<byte[]> loadDedupKeys() {
    List<byte[]> out = new ArrayList<>();
    storage.scan(ColumnFamily.JOURNAL, new byte[] {DEDUP}, (k, v) -> out.add(k));
    return out;
  }

  boolean hasDedup(byte[] journalKey) {
    return storage.get(ColumnFamily.JOURNAL, journalKey) != null;
  }

  /** A request-id record copied from another node, byte for byte. */
  static void putDedupBytes(WriteBatch batch, byte[] journalKey, byte[] record) {
    batch.put(ColumnFamily.JOURNAL, journalKey, record);
  }

  /** The key a request-id record's JOURNAL key names; {@link CorruptRecordException} if none. */
  static DataKey dedupDataKey(byte[] journalKey) {
    RecordReader r = new RecordReader(journalKey, "request-id key", CorruptRecordException::new);
    if (r.u8("kind") != DEDUP) {
      throw r.fail("kind", 0, "not a request-id key");
    }
    r.u64("requestId");
    DataKey key = DataKey.readFrom(r);
    r.end();
    return key;
  }

  static byte[] dedupKey(long requestId, DataKey key) {
    RecordWriter w = new RecordWriter().u8(DEDUP).u64(requestId);
    key.writeTo(w);
    return w.toByteArray();
  }

  private static byte[] txnKey(byte kind, TxnId txn) {
    RecordWriter w = new RecordWriter().u8(kind);
    Codecs.writeTxn(w, txn);
    return w.toByteArray();
  }
}
