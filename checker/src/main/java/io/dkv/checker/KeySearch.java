package io.dkv.checker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * The search for a linearization of one key's operations.
 *
 * <p>Implementation notes. This is Wing &amp; Gong's algorithm (J. M. Wing and C. Gong, "Testing and
 * verifying concurrent objects", JPDC 1993) with Lowe's memoisation (G. Lowe, "Testing for
 * linearizability", CCPE 2017), laid out as in Porcupine (A. Athalye, 2017): the invocation and
 * completion events of the operations not yet linearized form a doubly linked list sorted by time.
 * Any invocation before the first completion in that list may be linearized next; linearizing one
 * lifts its two events out of the list, backtracking puts them back (in LIFO order, so the removed
 * entries' links are still right). A cache of (set of linearized operations, model state) prunes
 * every configuration reached before: from equal configurations the search continues identically.
 *
 * <p>An operation with an unknown outcome completes "never", so it never forces anything before it;
 * it may be linearized anywhere after its invocation, and the search succeeds once every answered
 * operation is placed, which drops the unknown ones left over.
 */
final class KeySearch {
  /** Bounds the cache's memory (each entry is a bit set and a state: about 100-200 bytes). */
  static final int CACHE_LIMIT = 1_000_000;
  /** The clock is read once per this many steps. */
  private static final int CLOCK_EVERY_STEPS = 1024;

  /** An invocation or completion event of the operation at {@code index}. */
  private static final class Entry {
    final Operation op;
    final int index;
    final boolean invocation;
    Entry match;
    Entry prev;
    Entry next;

    Entry(Operation op, int index, boolean invocation) {
      this.op = op;
      this.index = index;
      this.invocation = invocation;
    }

    long time() {
      return invocation ? op.invokedAt() : op.effectDeadline();
    }
  }

  private record Frame(Entry invocation, RegisterModel.State before) {}

  private record Configuration(BitSet linearized, RegisterModel.State state) {}

  private final int operationCount;
  private final int answeredCount;
  /** Sentinel before the first event of the list. */
  private final Entry head = new Entry(null, -1, false);
  private final Set<Configuration> cache = new HashSet<>();
  /** The most operations linearized at once so far. */
  private int mostPlaced;
  private int deepest = -1;
  private RegisterModel.State deepestState;
  private List<Operation> deepestCandidates = List.of();

  private KeySearch(List<Operation> ops) {
    this.operationCount = ops.size();
    this.answeredCount = (int) ops.stream().filter(op -> op.outcome().answered()).count();
    List<Entry> events = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      Entry invocation = new Entry(ops.get(i), i, true);
      invocation.match = new Entry(ops.get(i), i, false);
      events.add(invocation);
      events.add(invocation.match);
    }
    // At equal times an invocation comes first: the operations then overlap.
    events.sort(Comparator.comparingLong(Entry::time).thenComparing(e -> !e.invocation)
        .thenComparingInt(e -> e.op.id()));
    Entry last = head;
    for (Entry e : events) {
      last.next = e;
      e.prev = last;
      last = e;
    }
  }

  /** Checks one key's operations: those answered, and writes with an unknown outcome. */
  static KeyVerdict check(String key, List<Operation> ops, Duration limit, LongSupplier nanoClock) {
    long start = nanoClock.getAsLong();
    KeySearch search = new KeySearch(ops);
    Verdict verdict = search.run(start + limit.toNanos(), nanoClock);
    Duration elapsed = Duration.ofNanos(nanoClock.getAsLong() - start);
    return switch (verdict) {
      case LINEARIZABLE -> new KeyVerdict(key, verdict, ops.size(), "", List.of(), elapsed);
      case NOT_LINEARIZABLE -> new KeyVerdict(key, verdict, ops.size(), "no order fits: the longest valid one places "
          + search.deepest + " of " + ops.size() + " operations and reaches state " + search.deepestState
          + ", where none of the operations that could come next fits", search.deepestCandidates, elapsed);
      case UNKNOWN -> new KeyVerdict(key, verdict, ops.size(), "time limit of " + limit.toMillis()
          + " ms reached; the longest valid order so far places " + search.mostPlaced + " of " + ops.size()
          + " operations", List.of(), elapsed);
    };
  }

  private Verdict run(long deadlineNanos, LongSupplier nanoClock) {
    List<Frame> stack = new ArrayList<>();
    BitSet linearized = new BitSet(operationCount);
    RegisterModel.State state = RegisterModel.State.INITIAL;
    int answeredPlaced = 0;
    long steps = 0;
    Entry entry = head.next;
    while (answeredPlaced < answeredCount) {
      if (++steps % CLOCK_EVERY_STEPS == 0 && nanoClock.getAsLong() - deadlineNanos > 0) {
        return Verdict.UNKNOWN;
      }
      if (entry.invocation) {
        RegisterModel.State next = RegisterModel.step(state, entry.op);
        if (next != null && firstVisit(linearized, entry.index, next)) {
          stack.add(new Frame(entry, state));
          mostPlaced = Math.max(mostPlaced, stack.size());
          state = next;
          answeredPlaced += entry.op.outcome().answered() ? 1 : 0;
          lift(entry);
          entry = head.next;
        } else {
          entry = entry.next;
        }
      } else {
        // The first completion: every operation that could come next was tried, none led anywhere.
        noteDeadEnd(stack.size(), state, entry);
        if (stack.isEmpty()) {
          return Verdict.NOT_LINEARIZABLE;
        }
        Frame top = stack.removeLast();
        state = top.before();
        linearized.clear(top.invocation().index);
        answeredPlaced -= top.invocation().op.outcome().answered() ? 1 : 0;
        unlift(top.invocation());
        entry = top.invocation().next;
      }
    }
    return Verdict.LINEARIZABLE;
  }

  /**
   * Marks operation {@code index} linearized and says whether that configuration is new. Past the
   * cache's limit new configurations are no longer remembered: the search stays correct, only slower.
   */
  private boolean firstVisit(BitSet linearized, int index, RegisterModel.State next) {
    linearized.set(index);
    Configuration c = new Configuration(linearized, next);
    if (cache.contains(c)) {
      linearized.clear(index);
      return false;
    }
    if (cache.size() < CACHE_LIMIT) {
      cache.add(new Configuration((BitSet) linearized.clone(), next));
    }
    return true;
  }

  /**
   * Keeps the deepest dead end as the explanation. There, every operation that could come next
   * fails in the state reached: one that fitted would have led deeper, or to a configuration seen
   * before, which is as deep.
   */
  private void noteDeadEnd(int depth, RegisterModel.State state, Entry firstCompletion) {
    if (depth <= deepest) {
      return;
    }
    deepest = depth;
    deepestState = state;
    List<Operation> candidates = new ArrayList<>();
    for (Entry e = head.next; e != firstCompletion; e = e.next) {
      if (e.invocation && e.op.outcome().answered()) {
        candidates.add(e.op);
      }
    }
    deepestCandidates = candidates;
  }

  private static void lift(Entry invocation) {
    invocation.prev.next = invocation.next;
    invocation.next.prev = invocation.prev;
    Entry completion = invocation.match;
    completion.prev.next = completion.next;
    if (completion.next != null) {
      completion.next.prev = completion.prev;
    }
  }

  private static void unlift(Entry invocation) {
    Entry completion = invocation.match;
    completion.prev.next = completion;
    if (completion.next != null) {
      completion.next.prev = completion;
    }
    invocation.prev.next = invocation;
    invocation.next.prev = invocation;
  }
}
