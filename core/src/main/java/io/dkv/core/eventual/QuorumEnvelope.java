package io.dkv.core.eventual;

/** A {@link QuorumMessage} addressed to a node (possibly this one). */
public record QuorumEnvelope(String to, QuorumMessage message) {}
