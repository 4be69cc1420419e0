package io.dkv.core.eventual;

/**
 * A node's hybrid logical clock (Kulkarni, Demirbas et al., "Logical Physical Clocks and
 * Consistent Snapshots in Globally Distributed Databases", 2014, Figure 5).
 *
 * <p>Implementation notes. The state is the pair (l, c): l is the largest physical time heard of
 * (this node's or a received timestamp's), c counts events since l last changed. With pt the wall
 * clock the caller supplies:
 * <pre>
 * send:            l' = max(l, pt);            c = (l' == l) ? c + 1 : 0
 * receive(m):      l' = max(l, m.l, pt);       c = l' == l == m.l ? max(c, m.c) + 1
 *                                                : l' == l       ? c + 1
 *                                                : l' == m.l     ? m.c + 1
 *                                                :                 0
 * </pre>
 * Hence every timestamp this clock issues is greater than every one it issued or received before
 * (monotonic even when pt goes backwards: l never decreases), and l never lags pt. Two departures
 * from the paper: when c would pass {@link HybridTimestamp#MAX_LOGICAL} the clock moves l one
 * millisecond ahead and restarts c at 0, which keeps the order and costs at most that millisecond
 * of lead; and {@link #receive} refuses a timestamp more than {@code maxDriftMillis} ahead of pt
 * ({@link ClockDriftException}), since the paper's bound on l - pt holds only if clocks stay
 * within the drift NTP promises, and one node with a clock set far ahead would otherwise drag
 * every clock, and every version, with it.
 *
 * <p>Not thread-safe: one per node, used from the node's single core thread. The state lives in
 * memory; a restarted node carries its order over with {@link #startAbove} and a durable bound
 * ({@code ClockCeiling}).
 */
public final class HybridClock {
  private final String nodeId;
  private final long maxDriftMillis;
  /** Invariant: 0 <= l <= MAX_WALL_MILLIS, 0 <= c <= MAX_LOGICAL; (0, 0) before the first event. */
  private long l;
  private int c;

  /**
   * @param maxDriftMillis how far ahead of this node's wall clock a received timestamp may be;
   *                       at least 0
   */
  public HybridClock(String nodeId, long maxDriftMillis) {
    if (maxDriftMillis < 0) {
      throw new IllegalArgumentException("maxDriftMillis must be at least 0, got " + maxDriftMillis);
    }
    this.nodeId = new HybridTimestamp(0, 0, nodeId).nodeId(); // validates the id
    this.maxDriftMillis = maxDriftMillis;
  }

  /**
   * For a restart: every timestamp issued from now on is above every timestamp whose physical part
   * is at most {@code wallMillis}, whatever the wall clock says. Never moves the clock back.
   */
  public void startAbove(long wallMillis) {
    checkWall(wallMillis);
    if (wallMillis >= l) {
      l = wallMillis;
      c = HybridTimestamp.MAX_LOGICAL; // the next event passes it: (wallMillis + 1, 0) at the least
    }
  }

  /** A timestamp for a local or send event at physical time {@code wallMillis}. */
  public HybridTimestamp send(long wallMillis) {
    long pt = checkWall(wallMillis);
    if (pt > l) {
      l = pt;
      c = 0;
    } else {
      c++;
    }
    return issue();
  }

  /**
   * Whether {@code remote} is at most {@code maxDriftMillis} ahead of {@code wallMillis}, so that
   * {@link #receive} accepts it.
   */
  public boolean withinDrift(HybridTimestamp remote, long wallMillis) {
    return remote.wallMillis() - checkWall(wallMillis) <= maxDriftMillis;
  }

  /** Why {@link #receive} would refuse {@code remote} at {@code wallMillis}, or null if it would not. */
  public String driftProblem(HybridTimestamp remote, long wallMillis) {
    return withinDrift(remote, wallMillis) ? null
        : "timestamp " + remote + " from node " + remote.nodeId() + " is " + (remote.wallMillis() - wallMillis)
            + " ms ahead of this node's clock (" + wallMillis + " ms); at most " + maxDriftMillis
            + " ms is allowed (maxClockDriftMillis)";
  }

  /**
   * Takes in a timestamp received from another node (or read from a stored version) and returns
   * the timestamp of the receive event, which is greater than {@code remote} and than everything
   * this clock issued before.
   *
   * @throws ClockDriftException if {@code remote} is too far ahead; the clock is then unchanged
   */
  public HybridTimestamp receive(HybridTimestamp remote, long wallMillis) {
    String problem = driftProblem(remote, wallMillis);
    if (problem != null) {
      throw new ClockDriftException(remote, problem);
    }
    long pt = wallMillis;
    long ml = remote.wallMillis();
    long next = Math.max(Math.max(l, ml), pt);
    if (next == l && next == ml) {
      c = Math.max(c, remote.logical()) + 1;
    } else if (next == l) {
      c++;
    } else if (next == ml) {
      c = remote.logical() + 1;
    } else {
      c = 0;
    }
    l = next;
    return issue();
  }

  /** The newest timestamp issued, or null before the first event. */
  public HybridTimestamp last() {
    return l == 0 && c == 0 ? null : new HybridTimestamp(l, c, nodeId);
  }

  public String nodeId() {
    return nodeId;
  }

  private HybridTimestamp issue() {
    if (c > HybridTimestamp.MAX_LOGICAL) {
      if (l == HybridTimestamp.MAX_WALL_MILLIS) {
        throw new IllegalStateException("hybrid clock exhausted at " + l + " ms");
      }
      l++;
      c = 0;
    }
    return new HybridTimestamp(l, c, nodeId);
  }

  private static long checkWall(long wallMillis) {
    if (wallMillis < 0 || wallMillis > HybridTimestamp.MAX_WALL_MILLIS) {
      throw new IllegalArgumentException("wall clock " + wallMillis + " ms is outside 0.."
          + HybridTimestamp.MAX_WALL_MILLIS);
    }
    return wallMillis;
  }
}
