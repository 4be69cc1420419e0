package io.dkv.core.twopc;

import io.dkv.protocol.PeerMessage;

/** A peer message addressed to a node. */
public record Envelope(String to, PeerMessage message) {}
