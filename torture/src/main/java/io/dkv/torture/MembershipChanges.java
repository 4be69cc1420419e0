package io.dkv.torture;

import io.dkv.protocol.ClientMessage.ClusterStatusResponse;
import io.dkv.protocol.ClientMessage.MemberState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The joins and removals of a run: issuing them, and watching the directory until each has
 * finished ({@link MembershipChange} says when that is). While a change goes on, a watcher thread
 * asks the members for the directory's status every {@value #POLL_MILLIS} ms; once a removal has
 * finished it stops the removed node's process, which serves nothing any more.
 *
 * <p>The members, the nodes that should be running once every fault is healed, are the founders,
 * every node that joined, less every node whose removal finished. Thread-safe: the nemesis thread
 * issues changes, the watcher records their progress, the run reads them.
 */
final class MembershipChanges implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MembershipChanges.class);
  private static final long POLL_MILLIS = 200;
  /** A joining node may wait for the directory before it serves, like a founder. */
  private static final Duration JOIN_READY_TIMEOUT = Duration.ofSeconds(60);
  /** The CLI's own timeout (10 s) and a JVM start, with room for a loaded machine. */
  private static final long REMOVE_TIMEOUT_SECONDS = 60;
  /** How long a join waits for an earlier removal of the same node to finish. */
  private static final Duration REJOIN_WAIT = Duration.ofSeconds(120);

  /** One change as it goes; guarded by the enclosing instance. */
  private static final class Tracked {
    final FaultWindow window;
    final long beganNanos;
    final long acceptedNanos;
    long endedNanos = -1;
    boolean finished;
    String outcome = "no directory status yet";

    Tracked(FaultWindow window, long beganNanos, long acceptedNanos) {
      this.window = window;
      this.beganNanos = beganNanos;
      this.acceptedNanos = acceptedNanos;
    }

    boolean open() {
      return endedNanos < 0;
    }
  }

  private final ProcessNemesis processes;
  private final ServerCommands commands;
  private final NodeViews views;
  private final Duration finishWait;
  private final TreeSet<Integer> members = new TreeSet<>();
  private final List<Tracked> changes = new ArrayList<>();
  private Thread watcher;
  private boolean closed;

  /**
   * @param finishWait how long the end of a change's window waits for the change to finish
   */
  MembershipChanges(int founders, ProcessNemesis processes, ServerCommands commands, NodeViews views,
                    Duration finishWait) {
    for (int node = 0; node < founders; node++) {
      members.add(node);
    }
    this.processes = processes;
    this.commands = commands;
    this.views = views;
    this.finishWait = finishWait;
  }

  /** Starts the window's node with {@code --join} through a running member; returns once it serves. */
  void join(FaultWindow w) throws InterruptedException {
    int node = w.fault().nodes().getFirst();
    awaitOutside(node);
    long began = System.nanoTime();
    int through = runningMembers(node).stream().findFirst().orElseThrow(() -> new IllegalStateException(
        "no running member for " + NodeIds.of(node) + " to join through"));
    processes.start(node, commands.joiner(node, through), ServerCommands.READY_LINE, JOIN_READY_TIMEOUT);
    synchronized (this) {
      members.add(node);
      track(new Tracked(w, began, System.nanoTime()));
    }
  }

  /**
   * Runs {@code dkv cluster remove} for the window's node through the running members. A command
   * whose outcome is unknown (the CLI's exit code 3) counts when the directory shows the node
   * leaving or removed; any other failure ends the run. A join of the node still going on ends
   * here, overtaken.
   */
  void remove(FaultWindow w) {
    long began = System.nanoTime();
    int node = w.fault().nodes().getFirst();
    try {
      Shell.run(commands.remove(node, runningMembers(node)), "", Map.of(), REMOVE_TIMEOUT_SECONDS);
    } catch (Shell.CommandFailedException e) {
      Optional<MemberState> state = views.freshestStatus(members()).flatMap(s -> MembershipChange.stateOf(node, s));
      if (state.filter(s -> s == MemberState.LEAVING || s == MemberState.REMOVED).isEmpty()) {
        throw new IllegalStateException("dkv cluster remove " + NodeIds.of(node) + " failed, and the directory shows it "
            + state.map(Enum::name).orElse("in no state (no member answered)") + ": " + e.getMessage(), e);
      }
    }
    synchronized (this) {
      long now = System.nanoTime();
      changes.stream().filter(t -> t.open() && t.window.fault().equals(new Fault.Join(node)))
          .forEach(t -> t.endedNanos = now);
      track(new Tracked(w, began, now));
      notifyAll();
    }
  }

  /** The nodes in the cluster, in order: those that should be running once every fault is healed. */
  synchronized List<Integer> members() {
    return List.copyOf(members);
  }

  /**
   * Waits until every change has finished, or the deadline passes.
   *
   * @return null when all finished, else which change did not and what the directory showed last
   */
  synchronized String awaitFinished(long deadlineNanos) throws InterruptedException {
    if (waitUntil(() -> changes.stream().noneMatch(Tracked::open), deadlineNanos)) {
      return null;
    }
    Tracked open = changes.stream().filter(Tracked::open).findFirst().orElseThrow();
    return FaultText.format(open.window.fault()) + " did not finish; last seen: " + open.outcome;
  }

  /**
   * Waits until the window's change has ended (finished, or overtaken by a removal), at most the
   * finish wait; one still going on then is left to the liveness check.
   */
  synchronized void awaitEnded(FaultWindow w) throws InterruptedException {
    if (!waitUntil(() -> changes.stream().noneMatch(t -> t.window.equals(w) && t.open()),
        System.nanoTime() + finishWait.toNanos())) {
      log.warn("{} has not finished {} s after its window ended; the schedule goes on", FaultText.format(w.fault()),
          finishWait.toSeconds());
    }
  }

  /** Every change so far, times from {@code originNanos} (the schedule's time 0), in the order issued. */
  synchronized List<MembershipChange> changes(long originNanos) {
    return changes.stream().map(t -> new MembershipChange(t.window, millis(t.beganNanos - originNanos),
        millis(t.acceptedNanos - originNanos),
        t.open() ? OptionalLong.empty() : OptionalLong.of(millis(t.endedNanos - originNanos)), t.finished,
        t.outcome)).toList();
  }

  @Override
  public void close() throws InterruptedException {
    Thread running;
    synchronized (this) {
      closed = true;
      running = watcher;
      notifyAll();
    }
    if (running != null) {
      running.interrupt();
      running.join();
    }
  }

  private void track(Tracked t) {
    changes.add(t);
    if (watcher == null && !closed) {
      watcher = Thread.ofPlatform().name("torture-membership").daemon().start(this::watch);
    }
  }

  /** Members other than {@code node} that run and are not paused, in order. */
  private List<Integer> runningMembers(int node) {
    return members().stream().filter(m -> m != node && processes.isRunning(m) && !processes.isPaused(m)).toList();
  }

  /** Waits until the node is outside the cluster: a removal of it issued earlier has finished. */
  private synchronized void awaitOutside(int node) throws InterruptedException {
    if (!waitUntil(() -> !members.contains(node), System.nanoTime() + REJOIN_WAIT.toNanos())) {
      throw new IllegalStateException(NodeIds.of(node) + " cannot join: it is still a member " + REJOIN_WAIT.toSeconds()
          + " s later (an earlier removal of it has not finished)");
    }
  }

  /**
   * Waits on this monitor, which the watcher notifies whenever a change ends, until {@code done}
   * holds or the deadline passes; the caller holds the monitor. Returns whether {@code done} holds.
   */
  private boolean waitUntil(BooleanSupplier done, long deadlineNanos) throws InterruptedException {
    while (!done.getAsBoolean()) {
      long leftNanos = deadlineNanos - System.nanoTime();
      if (leftNanos <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, leftNanos);
    }
    return true;
  }

  private void watch() {
    try {
      while (true) {
        List<Tracked> open;
        List<Integer> asked;
        synchronized (this) {
          open = changes.stream().filter(Tracked::open).toList();
          if (open.isEmpty() || closed) {
            watcher = null;
            return;
          }
          asked = List.copyOf(members);
        }
        Optional<ClusterStatusResponse> status = views.freshestStatus(asked);
        long seenNanos = System.nanoTime();
        if (status.isPresent()) {
          open.forEach(t -> record(t, status.get(), seenNanos));
        }
        TimeUnit.MILLISECONDS.sleep(POLL_MILLIS); // polling the directory: there is no event to wait for
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // closed
    }
  }

  /** Notes what the status shows of the change; a finished removal stops the node first. */
  private void record(Tracked t, ClusterStatusResponse status, long seenNanos) {
    Optional<String> finished = MembershipChange.finishedIn(t.window.fault(), status);
    if (finished.isPresent() && t.window.fault() instanceof Fault.Remove r && processes.isRunning(r.node())) {
      processes.stop(r.node());
    }
    synchronized (this) {
      if (!t.open()) {
        return; // overtaken meanwhile
      }
      t.outcome = finished.orElseGet(() -> MembershipChange.progress(t.window.fault(), status));
      if (finished.isPresent()) {
        t.endedNanos = seenNanos;
        t.finished = true;
        if (t.window.fault() instanceof Fault.Remove r) {
          members.remove(r.node());
        }
        log.info("{} finished {} ms after the directory took it: {}", FaultText.format(t.window.fault()),
            millis(seenNanos - t.acceptedNanos), t.outcome);
        notifyAll();
      }
    }
  }

  private static long millis(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos);
  }
}
