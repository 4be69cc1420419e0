package io.dkv.core.eventual;

/**
 * What this process's hint holder did ({@link HintStore}); the counters start at 0 with the process.
 *
 * @param held      hints held now (also those loaded from storage at start)
 * @param heldBytes their size in storage, keys and values
 * @param stored    hints stored or updated with a newer value, each acknowledged to its coordinator
 * @param refused   hints refused because this node held its maximum count or bytes
 * @param delivered hints deleted because their target acknowledged the value or a newer one
 * @param expired   hints dropped undelivered at their maximum age
 * @param dropped   hints dropped because their target left the cluster, or forgotten because their
 *                  namespace was dropped (the server's reclaimer deleted them from storage)
 */
public record HintStats(long held, long heldBytes, long stored, long refused, long delivered, long expired,
                        long dropped) {}
