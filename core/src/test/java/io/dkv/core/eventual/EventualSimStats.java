package io.dkv.core.eventual;

/** Counters of one run or, summed, of many: what happened, so a passing run shows what it proved. */
final class EventualSimStats {
  long runs;
  long steps;
  long messagesSent;
  long messagesDropped;
  long messagesDuplicated;
  long partitions;
  long crashes;
  long crashesBeforeSync;
  long longOutages;
  long clockJumps;
  long refusals;
  long writesAcked;
  long writesIncomplete;
  long writeRetries;
  long retriesAfterAck;
  long reads;
  long readsIncomplete;
  long clientTimeouts;
  /** Reads checked against an earlier acknowledged write with R + W > N. */
  long overlappingReadChecks;
  /** Reads with R + W <= N that missed an earlier acknowledged write: allowed, and proof that misses happen. */
  long staleReadsWithoutOverlap;
  long repairsSent;
  /** Hinted handoff, from the holders' counters: stored (each acknowledged), refused when full, etc. */
  long hintsStored;
  long hintsRefused;
  long hintsDelivered;
  long hintsExpired;
  /** Hints whose delivery was checked against the target's durable value after healing. */
  long hintsChecked;

  /** Adds what one process's hint holder counted (before it crashes, or at the end). */
  void addHints(HintStats h) {
    hintsStored += h.stored();
    hintsRefused += h.refused();
    hintsDelivered += h.delivered();
    hintsExpired += h.expired();
  }

  /** Anti-entropy sessions that finished: one tree compared with another replica's. */
  long treesCompared;
  long leavesDiffered;
  long keysDiffered;
  long valuesShipped;
  long repairsFailed;
  long tombstonesPurged;

  void add(EventualSimStats o) {
    runs += o.runs;
    steps += o.steps;
    messagesSent += o.messagesSent;
    messagesDropped += o.messagesDropped;
    messagesDuplicated += o.messagesDuplicated;
    partitions += o.partitions;
    crashes += o.crashes;
    crashesBeforeSync += o.crashesBeforeSync;
    longOutages += o.longOutages;
    clockJumps += o.clockJumps;
    refusals += o.refusals;
    writesAcked += o.writesAcked;
    writesIncomplete += o.writesIncomplete;
    writeRetries += o.writeRetries;
    retriesAfterAck += o.retriesAfterAck;
    reads += o.reads;
    readsIncomplete += o.readsIncomplete;
    clientTimeouts += o.clientTimeouts;
    overlappingReadChecks += o.overlappingReadChecks;
    staleReadsWithoutOverlap += o.staleReadsWithoutOverlap;
    repairsSent += o.repairsSent;
    hintsStored += o.hintsStored;
    hintsRefused += o.hintsRefused;
    hintsDelivered += o.hintsDelivered;
    hintsExpired += o.hintsExpired;
    hintsChecked += o.hintsChecked;
    treesCompared += o.treesCompared;
    leavesDiffered += o.leavesDiffered;
    keysDiffered += o.keysDiffered;
    valuesShipped += o.valuesShipped;
    repairsFailed += o.repairsFailed;
    tombstonesPurged += o.tombstonesPurged;
  }

  @Override
  public String toString() {
    return runs + " runs, " + steps + " steps, messages " + messagesSent + " sent / " + messagesDropped + " dropped / "
        + messagesDuplicated + " duplicated, " + partitions + " partitions, " + crashes + " crashes + "
        + crashesBeforeSync + " before a sync, " + longOutages + " long outages, " + clockJumps + " clock jumps, " + refusals + " refusals; writes "
        + writesAcked + " acknowledged / " + writesIncomplete + " incomplete / " + writeRetries + " retried ("
        + retriesAfterAck + " after an ack); reads " + reads + " answered / " + readsIncomplete + " incomplete, "
        + overlappingReadChecks + " checked with R + W > N, " + staleReadsWithoutOverlap
        + " stale with R + W <= N; " + clientTimeouts + " client timeouts, " + repairsSent
        + " read repairs sent; hints " + hintsStored + " stored / " + hintsRefused + " refused when full / "
        + hintsDelivered + " delivered / " + hintsExpired + " expired, " + hintsChecked + " checked at their target;"
        + " anti-entropy: " + treesCompared + " trees compared, " + leavesDiffered + " leaves and " + keysDiffered
        + " keys differing, " + valuesShipped + " values shipped, " + repairsFailed + " sessions failed; "
        + tombstonesPurged + " tombstones purged";
  }
}
