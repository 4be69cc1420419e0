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
  long leaderLosses;
  long leasesLapsedWithoutLeader;
  long runsWithLeaderLoss;
  /** Transactions committed by a configuration without one of the key's first replicas. */
  long commitsAfterEviction;
  /** STALE_EPOCH votes on writes routed with a set that has lost a participant since. */
  long staleVotesAfterEviction;
  long movesStarted;
  /** Copies a learner started: one per move, and again after each crash of the learner. */
  long copiesStarted;
  long copyPages;
  /** Pages that came back short because a transaction held a key at the replica. */
  long copyPagesStoppedByHeldKey;
  /** Copies refused because the replica's view was older than the move. */
  long copiesRefusedAsStale;
  /** Installs refused because a transaction from before the move held a key at the learner. */
  long installsRefused;
  long copiesCompleted;
  long learnerCrashesMidCopy;
  long promotions;
  long releases;
  /** Transactions committed by a configuration with a learner. */
  long commitsWithLearner;
  /** Runs with at least one promotion, page stopped by a held key, learner crash mid-copy, release. */
  long runsWithPromotion;
  long runsWithHeldKeyStop;
  long runsWithLearnerCrash;
  long runsWithRelease;
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
  /** PREPAREs of transactions that carry several client writes. */
  long preparesOfSeveralWrites;
  /** Votes that refuse one write of several (the coordinator starts the others again). */
  long votesRefusingOneWrite;

  /** Closes one run's stats: it counts as one run, with the kinds of move it saw. */
  void closeRun() {
    runs = 1;
    runsWithPromotion = promotions > 0 ? 1 : 0;
    runsWithHeldKeyStop = copyPagesStoppedByHeldKey > 0 ? 1 : 0;
    runsWithLearnerCrash = learnerCrashesMidCopy > 0 ? 1 : 0;
    runsWithRelease = releases > 0 ? 1 : 0;
    runsWithLeaderLoss = leaderLosses > 0 ? 1 : 0;
  }

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
    leaderLosses += o.leaderLosses;
    leasesLapsedWithoutLeader += o.leasesLapsedWithoutLeader;
    runsWithLeaderLoss += o.runsWithLeaderLoss;
    commitsAfterEviction += o.commitsAfterEviction;
    staleVotesAfterEviction += o.staleVotesAfterEviction;
    conditionsRefusedWithoutLease += o.conditionsRefusedWithoutLease;
    movesStarted += o.movesStarted;
    copiesStarted += o.copiesStarted;
    copyPages += o.copyPages;
    copyPagesStoppedByHeldKey += o.copyPagesStoppedByHeldKey;
    copiesRefusedAsStale += o.copiesRefusedAsStale;
    installsRefused += o.installsRefused;
    copiesCompleted += o.copiesCompleted;
    learnerCrashesMidCopy += o.learnerCrashesMidCopy;
    promotions += o.promotions;
    releases += o.releases;
    commitsWithLearner += o.commitsWithLearner;
    runsWithPromotion += o.runsWithPromotion;
    runsWithHeldKeyStop += o.runsWithHeldKeyStop;
    runsWithLearnerCrash += o.runsWithLearnerCrash;
    runsWithRelease += o.runsWithRelease;
    opsOk += o.opsOk;
    opsConditionFailed += o.opsConditionFailed;
    opsNotFound += o.opsNotFound;
    opsUnknown += o.opsUnknown;
    opsNoEffect += o.opsNoEffect;
    txnsCommitted += o.txnsCommitted;
    txnsAborted += o.txnsAborted;
    statusQueries += o.statusQueries;
    linearizabilityTimeLimitHit += o.linearizabilityTimeLimitHit;
    preparesOfSeveralWrites += o.preparesOfSeveralWrites;
    votesRefusingOneWrite += o.votesRefusingOneWrite;
  }

  @Override
  public String toString() {
    return String.format(
        "runs=%d steps=%d simulated=%ds | messages sent=%d dropped=%d duplicated=%d lost-in-crash=%d"
            + " | crashes=%d (before sync %d) restarts=%d partitions=%d epoch changes=%d (stale refusals %d)"
            + " | evictions=%d mark-ups=%d commits after eviction=%d stale votes after eviction=%d"
            + " conditions refused without lease=%d leader losses=%d (in %d runs, leases lapsed %d)"
            + " | moves started=%d copies started=%d (learner crashes mid-copy %d, in %d runs) pages=%d"
            + " (stopped by a held key %d, in %d runs) copies refused as stale=%d installs refused=%d"
            + " copies done=%d promotions=%d (in %d runs) releases=%d (in %d runs) commits with a learner=%d"
            + " | ops ok=%d condition-failed=%d not-found=%d unknown=%d no-effect=%d"
            + " | txns committed=%d aborted=%d | prepares of several writes=%d votes refusing one of them=%d"
            + " | status queries=%d | lin-check time limit hit=%d",
        runs, steps, simulatedMillis / 1000, messagesSent, messagesDropped, messagesDuplicated,
        messagesLostInCrash, crashes, crashesBeforeSync, restarts, partitions, epochChanges, staleEpochRefusals,
        evictions, markUps, commitsAfterEviction, staleVotesAfterEviction, conditionsRefusedWithoutLease,
        leaderLosses, runsWithLeaderLoss, leasesLapsedWithoutLeader,
        movesStarted, copiesStarted, learnerCrashesMidCopy, runsWithLearnerCrash, copyPages,
        copyPagesStoppedByHeldKey, runsWithHeldKeyStop, copiesRefusedAsStale, installsRefused, copiesCompleted,
        promotions, runsWithPromotion, releases, runsWithRelease, commitsWithLearner, opsOk,
        opsConditionFailed, opsNotFound, opsUnknown, opsNoEffect, txnsCommitted, txnsAborted,
        preparesOfSeveralWrites, votesRefusingOneWrite, statusQueries, linearizabilityTimeLimitHit);
  }
}
