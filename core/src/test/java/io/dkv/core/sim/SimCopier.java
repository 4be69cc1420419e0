package io.dkv.core.sim;

import io.dkv.core.twopc.ClientCommand;
import io.dkv.core.twopc.ClientResult;
import io.dkv.core.twopc.PartitionEpochs;
import io.dkv.protocol.Bytes;
import io.dkv.protocol.ErrorCode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The learner's side of a move (docs/directory.md §9): a node whose view makes it the learner of a
 * key since epoch S copies the key's partition from a replica of its view, page by page, with the
 * real commands: it sends {@link ClientCommand.Copy} to the replica's core, the page comes back
 * over the network, and it feeds the page to its own core as {@link ClientCommand.Install}. Requests
 * and answers are messages like any other (delayed, dropped, duplicated, lost in crashes); a request
 * unanswered in time is sent again, maybe to another replica. A replica whose view is older than S
 * refuses (STALE_EPOCH) and a page that a held key stopped comes back short: both are asked again
 * later, as is an install refused for a key a transaction from before the move holds. Once the last
 * page is installed (durably: the core answers after the sync) the learner asks the directory for
 * its promotion ({@link SimMoves#onCopied}). A copy lives in the learner's process: a crash ends it,
 * and after the restart it starts over from the first page (same S); a change of the node's view
 * that ends the move or starts it over drops it.
 */
final class SimCopier {
  /** Copies and installs get handles from here down; the clients' count up from 1. */
  private static final long FIRST_HANDLE = -2;

  private static final class Task {
    final SimNode learner;
    final long generation;
    final String key;
    final long since;
    Bytes after = Bytes.EMPTY;
    /** Bumped at every request and answer: a timer or answer of an earlier step is stale. */
    long step;
    /** Every page is installed; the directory is asked to promote. */
    boolean copied;

    Task(SimNode learner, String key, long since) {
      this.learner = learner;
      this.generation = learner.generation;
      this.key = key;
      this.since = since;
    }
  }

  /** A command sent for {@code task} at {@code step}; {@code page} is what an install installs. */
  private record Pending(Task task, long step, int maxEntries, ClientResult.Copied page) {}

  private final Simulation sim;
  private final Random rnd;
  /** Learner id + "/" + key → its copy. */
  private final Map<String, Task> tasks = new HashMap<>();
  private final Map<Long, Pending> pending = new HashMap<>();
  private long nextHandle = FIRST_HANDLE;

  SimCopier(Simulation sim) {
    this.sim = sim;
    this.rnd = new Random(sim.seed * 524_287 + 3);
  }

  static boolean owns(long handle) {
    return handle <= FIRST_HANDLE;
  }

  /** The node's view changed (or it restarted): start the copies it now owes, drop the others. */
  void onViewChanged(SimNode n) {
    for (String key : sim.directory.keys()) {
      long since = SimDirectory.learnerSince(sim.directory.mapAt(n.knownEpoch).set(sim.directory.partition(key)), n);
      String id = n.id + "/" + key;
      Task t = tasks.get(id);
      if (t != null && (t.since != since || t.generation != n.generation)) {
        tasks.remove(id);
        t = null;
      }
      if (t == null && since != PartitionEpochs.NOT_LEARNING && sim.faulty) {
        t = new Task(n, key, since);
        tasks.put(id, t);
        sim.stats.copiesStarted++;
        requestPage(t);
      }
    }
  }

  void onCrash(SimNode n) {
    boolean midCopy = tasks.values().stream().anyMatch(t -> t.learner == n && !t.copied);
    tasks.values().removeIf(t -> t.learner == n);
    if (midCopy && sim.faulty) {
      sim.stats.learnerCrashesMidCopy++;
    }
  }

  /** A copy's or an install's answer, as the node that ran it gives it. */
  void onResult(SimNode at, ClientResult r) {
    Pending p = pending.remove(r.handle());
    if (p == null) {
      throw new AssertionError(at.id + " answered a copy or install nobody sent: " + r);
    }
    if (p.page() == null) {
      sim.transmit(at, p.task().learner, () -> onPage(p, r));
    } else {
      onInstalled(p, r);
    }
  }

  private boolean current(Task t, long step) {
    return sim.faulty && t.step == step && t.learner.generation == t.generation
        && tasks.get(t.learner.id + "/" + t.key) == t;
  }

  private void requestPage(Task t) {
    long step = ++t.step;
    List<SimNode> sources = sim.directory.replicas(t.key, t.learner.knownEpoch);
    SimNode source = sources.get(rnd.nextInt(sources.size()));
    int maxEntries = 1 + rnd.nextInt(3);
    Bytes after = t.after;
    sim.trace(() -> t.learner.id + " COPY " + t.key + "@" + t.since + " after " + after + " from " + source.id);
    sim.transmit(t.learner, source, () -> {
      long handle = nextHandle--;
      pending.put(handle, new Pending(t, step, maxEntries, null));
      sim.submit(source, new ClientCommand.Copy(handle, Set.of(sim.directory.partition(t.key)), t.since, after,
          maxEntries));
    });
    long timeout = 2 * sim.cfg.maxDelayMillis() + 2 * sim.cfg.tickMillis() + 20;
    sim.schedule(sim.now + timeout, () -> {
      if (current(t, step)) {
        requestPage(t);
      }
    });
  }

  private void retryLater(Task t) {
    long step = ++t.step;
    sim.schedule(sim.now + 5 + rnd.nextInt(50), () -> {
      if (current(t, step)) {
        requestPage(t);
      }
    });
  }

  private void onPage(Pending p, ClientResult r) {
    Task t = p.task();
    if (!current(t, p.step())) {
      return;
    }
    switch (r) {
      case ClientResult.Failed f when f.code() == ErrorCode.STALE_EPOCH -> {
        sim.stats.copiesRefusedAsStale++;
        retryLater(t);
      }
      case ClientResult.Copied c -> {
        sim.stats.copyPages++;
        if (!c.done() && c.entries().size() < p.maxEntries()) {
          sim.stats.copyPagesStoppedByHeldKey++;
        }
        if (c.entries().isEmpty() && c.requests().isEmpty()) {
          if (c.done()) {
            finish(t);
          } else {
            retryLater(t);
          }
          return;
        }
        long handle = nextHandle--;
        pending.put(handle, new Pending(t, ++t.step, 0, c));
        sim.submit(t.learner, new ClientCommand.Install(handle, t.since, c.entries(), c.requests()));
      }
      default -> throw new AssertionError("unexpected answer to a copy of " + t.key + ": " + r);
    }
  }

  private void onInstalled(Pending p, ClientResult r) {
    Task t = p.task();
    if (!current(t, p.step())) {
      return;
    }
    switch (r) {
      case ClientResult.Installed i when p.page().done() -> finish(t);
      case ClientResult.Installed i -> {
        t.after = p.page().next();
        requestPage(t);
      }
      // The learner's view is the one the copy runs under, so only a held key can refuse it.
      case ClientResult.Failed f when f.code() == ErrorCode.UNAVAILABLE -> {
        sim.stats.installsRefused++;
        retryLater(t);
      }
      default -> throw new AssertionError("unexpected answer to an install of " + t.key + ": " + r);
    }
  }

  private void finish(Task t) {
    t.step++;
    t.copied = true;
    sim.stats.copiesCompleted++;
    sim.trace(() -> t.learner.id + " COPIED " + t.key + "@" + t.since);
    sim.moves.onCopied(t.learner, t.key, t.since);
  }
}
