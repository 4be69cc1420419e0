package io.dkv.core.eventual;

/**
 * A timestamp from another node is further ahead of this node's physical clock than the
 * configured maximum drift. Accepting it would drag this node's clock (and every version it
 * issues from then on) that far into the future, so it is refused. The usual cause is a node
 * whose wall clock is wrong: check NTP on both nodes.
 */
public final class ClockDriftException extends RuntimeException {
  private final HybridTimestamp remote;

  ClockDriftException(HybridTimestamp remote, String message) {
    super(message);
    this.remote = remote;
  }

  public HybridTimestamp remote() {
    return remote;
  }
}
