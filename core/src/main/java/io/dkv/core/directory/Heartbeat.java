package io.dkv.core.directory;

import java.util.Objects;

/**
 * A node's sign of life, committed through the directory's log (tag 10 in {@link CommandCodec}).
 * It changes no state: the directory's epoch does not move for it. The record takes whatever it is
 * given; {@link CommandCodec#decodeEntry} refuses one whose node id breaks the node-id rule or
 * whose view epoch is negative, and since the leader decodes every entry before it appends it,
 * no such heartbeat reaches the log.
 *
 * @param nodeId    the node that sent it
 * @param viewEpoch the epoch of the newest directory state the node has seen (0 before its first)
 */
public record Heartbeat(String nodeId, long viewEpoch) implements LogEntry {
  public Heartbeat {
    Objects.requireNonNull(nodeId, "nodeId");
  }
}
