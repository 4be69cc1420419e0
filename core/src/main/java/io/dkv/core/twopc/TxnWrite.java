package io.dkv.core.twopc;

import io.dkv.protocol.Mutation;
import io.dkv.protocol.PeerMessage.Prepare;
import java.util.List;

/**
 * One write of a transaction, as its PREPARE carried it. A participant keeps a transaction's writes
 * in its journal so that it can apply the commit after a restart, and re-send the PREPARE during
 * termination.
 */
record TxnWrite(long epoch, DataKey key, Mutation mutation, long requestId) {
  static TxnWrite of(Prepare.Write w) {
    return new TxnWrite(w.epoch(), new DataKey(w.namespace(), w.key()), w.mutation(), w.requestId());
  }

  Prepare.Write toWire() {
    return new Prepare.Write(epoch, key.namespace(), key.key(), mutation, requestId);
  }

  static List<Prepare.Write> toWire(List<TxnWrite> writes) {
    return writes.stream().map(TxnWrite::toWire).toList();
  }
}
