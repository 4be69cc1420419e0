package io.dkv.core.twopc;

/**
 * Counters of one {@link TwoPhaseNode}, as of the end of its last step.
 *
 * @param activeTransactions  transactions this node coordinates that are not finished (collecting
 *                            votes, or decided and waiting for acknowledgements)
 * @param preparedKeys        keys locked here by a prepared transaction
 * @param inDoubtTransactions transactions prepared here whose outcome this node does not know
 * @param journalRecords      participant records not yet forgotten (prepared or decided)
 * @param parkedReads         reads waiting for a prepared key to be decided
 * @param tombstones          forgotten transactions still remembered in memory
 * @param incarnation         this process's incarnation (0 before {@code start})
 */
public record NodeStats(int activeTransactions, int preparedKeys, int inDoubtTransactions,
                        int journalRecords, int parkedReads, int tombstones, long incarnation) {}
