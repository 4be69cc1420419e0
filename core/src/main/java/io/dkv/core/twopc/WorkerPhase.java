package io.dkv.core.twopc;

/**
 * A participant's durable state for one transaction. Transitions:
 * <pre>
 *   (none) ──► PREPARED ──► COMMITTED
 *     │            └──────► ABORTED
 *     └──────► REFUSED                (an abort outcome as well)
 * </pre>
 * Invariant: a participant never both prepares and refuses the same transaction; PREPARED and
 * REFUSED are durable before any message that announces them leaves the node.
 */
enum WorkerPhase {
  PREPARED(1),
  REFUSED(2),
  COMMITTED(3),
  ABORTED(4);

  final int code;

  WorkerPhase(int code) {
    this.code = code;
  }

  static WorkerPhase of(int code) {
    for (WorkerPhase p : values()) {
      if (p.code == code) {
        return p;
      }
    }
    throw new CorruptRecordException("unknown worker phase " + code);
  }
}
