package io.dkv.core.twopc;

import io.dkv.core.codec.RecordReader;

import io.dkv.protocol.Bytes;
import io.dkv.protocol.TxnId;
import java.util.List;

/**
 * Test-only window into the storage layout of this package, for checkers outside it (the
 * simulation): decodes stored records into plain public views.
 */
public final class JournalInspector {
  private JournalInspector() {}

  /**
   * A participant's journal record. {@code phase} is PREPARED, REFUSED, COMMITTED or ABORTED;
   * {@code keys} are the keys of the transaction's writes (none for a refusal without a PREPARE).
   */
  public record WorkerView(TxnId txn, String phase, List<Bytes> keys, long version) {
    public boolean committed() {
      return phase.equals("COMMITTED");
    }

    public boolean abortedOrRefused() {
      return phase.equals("ABORTED") || phase.equals("REFUSED");
    }

    public boolean prepared() {
      return phase.equals("PREPARED");
    }
  }

  /** A coordinator's decision record. */
  public record DecisionView(TxnId txn, boolean commit, long version) {}

  /** A request-id record: {@code requestId} committed on {@code key} at {@code version} by {@code txn}. */
  public record DedupView(long requestId, String namespace, Bytes key, long version, TxnId txn) {}

  /** A DATA record. */
  public record DataView(String namespace, Bytes key, boolean tombstone, long version, Bytes value) {}

  public static boolean isWorkerKey(byte[] journalKey) {
    return journalKey.length > 0 && journalKey[0] == 'W';
  }

  public static boolean isDecisionKey(byte[] journalKey) {
    return journalKey.length > 0 && journalKey[0] == 'D';
  }

  public static boolean isDedupKey(byte[] journalKey) {
    return journalKey.length > 0 && journalKey[0] == 'R';
  }

  public static WorkerView worker(byte[] value) {
    WorkerRecord r = WorkerRecord.decode(value);
    long version = r.phase() == WorkerPhase.PREPARED ? r.proposedVersion() : r.version();
    return new WorkerView(r.txn(), r.phase().name(), r.writes().stream().map(w -> w.key().key()).toList(), version);
  }

  public static DecisionView decision(byte[] value) {
    DecisionRecord d = DecisionRecord.decode(value);
    return new DecisionView(d.txn(), d.outcome().commit(), d.outcome().version());
  }

  public static DataView data(byte[] key, byte[] value) {
    RecordReader r = new RecordReader(key, "data key", CorruptRecordException::new);
    String ns = r.string("namespace");
    Bytes k = Bytes.wrap(r.rest());
    DataRecord d = DataRecord.decode(value);
    return new DataView(ns, k, d.tombstone(), d.version(), d.value());
  }

  public static DedupView dedup(byte[] journalKey, byte[] value) {
    RecordReader r = new RecordReader(journalKey, "request-id key", CorruptRecordException::new);
    r.u8("prefix");
    long requestId = r.u64("request id");
    DataKey k = DataKey.readFrom(r);
    DedupRecord d = DedupRecord.decode(value);
    return new DedupView(requestId, k.namespace(), k.key(), d.version(), d.txn());
  }

  public static byte[] dataKey(String namespace, Bytes key) {
    return new DataKey(namespace, key).encode();
  }
}
