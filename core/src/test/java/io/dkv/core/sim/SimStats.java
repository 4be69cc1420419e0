package io.dkv.core.sim;

/** What one run (or, summed, many runs) did: the evidence that the faults really happened. */
final class SimStats {
  long runs;
  long steps;
  long simulatedMillis;
  long messagesSent;
  long messagesDropped;
  long messagesDuplicated;
  long messagesLostInCrash;
  long crashes;
  long crashesBeforeSync;
  long restarts;
  long partitions;
  long epochChanges;
  long staleEpochRefusals;
  /** Evictions that shrank at least one replica list (each under a new epoch). */
  long evictions;
  long markUps;
  /** Transactions committed by a configuration without a replica that was evicted. */
  long commitsAfterEviction;
  /** STALE_EPOCH votes on writes routed with a replica list that has lost a replica since. */
  long staleVotesAfterEviction;
  /** STALE_EPOCH votes of participants without a read lease whose condition failed (check 7). */
  long conditionsRefusedWithoutLease;
  long opsOk;
  long opsConditionFailed;
  long opsNotFound;
  long opsUnknown;
  long opsNoEffect;
  long txnsCommitted;
  long txnsAborted;
  long statusQueries;
  long linearizabilityTimeLimitHit;

  void add(SimStats o) {
    runs += o.runs;
    steps += o.steps;
    simulatedMillis += o.simulatedMillis;
    messagesSent += o.messagesSent;
    messagesDropped += o.messagesDropped;
    messagesDuplicated += o.messagesDuplicated;
    messagesLostInCrash += o.messagesLostInCrash;
    crashes += o.crashes;
    crashesBeforeSync += o.crashesBeforeSync;
    restarts += o.restarts;
    partitions += o.partitions;
    epochChanges += o.epochChanges;
    staleEpochRefusals += o.staleEpochRefusals;
    evictions += o.evictions;
    markUps += o.markUps;
    commitsAfterEviction += o.commitsAfterEviction;
    staleVotesAfterEviction += o.staleVotesAfterEviction;
    conditionsRefusedWithoutLease += o.conditionsRefusedWithoutLease;
    opsOk += o.opsOk;
    opsConditionFailed += o.opsConditionFailed;
    opsNotFound += o.opsNotFound;
    opsUnknown += o.opsUnknown;
    opsNoEffect += o.opsNoEffect;
    txnsCommitted += o.txnsCommitted;
    txnsAborted += o.txnsAborted;
    statusQueries += o.statusQueries;
    linearizabilityTimeLimitHit += o.linearizabilityTimeLimitHit;
  }

  @Override
  public String toString() {
    return String.format(
        "runs=%d steps=%d simulated=%ds | messages sent=%d dropped=%d duplicated=%d lost-in-crash=%d"
            + " | crashes=%d (before sync %d) restarts=%d partitions=%d epoch changes=%d (stale refusals %d)"
            + " | evictions=%d mark-ups=%d commits after eviction=%d stale votes after eviction=%d"
            + " conditions refused without lease=%d"
            + " | ops ok=%d condition-failed=%d not-found=%d unknown=%d no-effect=%d"
            + " | txns committed=%d aborted=%d | status queries=%d | lin-check time limit hit=%d",
        runs, steps, simulatedMillis / 1000, messagesSent, messagesDropped, messagesDuplicated,
        messagesLostInCrash, crashes, crashesBeforeSync, restarts, partitions, epochChanges, staleEpochRefusals,
        evictions, markUps, commitsAfterEviction, staleVotesAfterEviction, conditionsRefusedWithoutLease, opsOk,
        opsConditionFailed, opsNotFound, opsUnknown, opsNoEffect, txnsCommitted, txnsAborted,
        statusQueries, linearizabilityTimeLimitHit);
  }
}
