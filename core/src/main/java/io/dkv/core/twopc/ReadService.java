package io.dkv.core.twopc;

import io.dkv.protocol.ErrorCode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Serves reads from this node's replica. A key locked by a prepared transaction may be about to
 * change at every replica, so a read of it waits until the transaction is decided here (then it
 * sees the decided state) or until its deadline (then TIMEOUT). That is what makes reads from any
 * single replica linearizable: see docs/two-phase-commit.md.
 */
final class ReadService {
  private record Parked(long handle, long deadlineMillis) {}

  private final Journal journal;
  private final LockTable locks;
  private final Map<DataKey, List<Parked>> parked = new HashMap<>();
  private int parkedCount;

  ReadService(Journal journal, LockTable locks) {
    this.journal = journal;
    this.locks = locks;
  }

  void onRead(ClientCommand.Read read, long nowMillis, Output out) {
    DataKey key = new DataKey(read.namespace(), read.key());
    if (!locks.isLocked(key)) {
      out.reply(answer(read.handle(), key));
    } else if (nowMillis >= read.deadlineMillis()) {
      out.reply(timeout(read.handle()));
    } else {
      parked.computeIfAbsent(key, k -> new ArrayList<>()).add(new Parked(read.handle(), read.deadlineMillis()));
      parkedCount++;
    }
  }

  /** The key's lock was released in this step: answer its waiting reads from the decided state. */
  void onKeyReleased(DataKey key, Output out) {
    if (locks.isLocked(key)) {
      return;
    }
    List<Parked> waiting = parked.remove(key);
    if (waiting != null) {
      parkedCount -= waiting.size();
      for (Parked p : waiting) {
        out.reply(answer(p.handle(), key));
      }
    }
  }

  void expire(long nowMillis, Output out) {
    if (parkedCount == 0) {
      return;
    }
    for (Iterator<List<Parked>> lists = parked.values().iterator(); lists.hasNext(); ) {
      List<Parked> waiting = lists.next();
      for (Iterator<Parked> it = waiting.iterator(); it.hasNext(); ) {
        Parked p = it.next();
        if (nowMillis >= p.deadlineMillis()) {
          it.remove();
          parkedCount--;
          out.reply(timeout(p.handle()));
        }
      }
      if (waiting.isEmpty()) {
        lists.remove();
      }
    }
  }

  int size() {
    return parkedCount;
  }

  private ClientResult answer(long handle, DataKey key) {
    DataRecord rec = journal.readData(key);
    return new ClientResult.ReadValue(handle, rec.present(), rec.visibleVersion(), rec.value());
  }

  private static ClientResult timeout(long handle) {
    return new ClientResult.Failed(handle, ErrorCode.TIMEOUT,
        "the key is locked by a prepared transaction whose outcome is not known yet");
  }
}
