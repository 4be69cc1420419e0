package io.dkv.core.twopc;

import io.dkv.protocol.Mutation;

/**
 * What a transaction does, as its PREPARE carried it. A participant keeps it in its journal so
 * that it can apply the commit after a restart, and re-send the PREPARE during termination.
 */
record TxnBody(long epoch, DataKey key, Mutation mutation, long requestId) {}
