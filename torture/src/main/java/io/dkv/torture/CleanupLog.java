package io.dkv.torture;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The record of everything a harness object created (a namespace, a veth, an nft table, a process,
 * a proxy), each with the action that removes exactly that thing by its name or pid. {@link #close()}
 * undoes them newest first, keeps going past failures, and runs at most once; a JVM shutdown hook
 * runs it too when the harness is never closed (Ctrl-C, a test runner that exits early). A JVM
 * killed with SIGKILL runs nothing, which is why every creation is logged with its exact name.
 * Thread-safe.
 */
final class CleanupLog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CleanupLog.class);

  /** An undo action; may throw, which is logged and does not stop the other undos. */
  interface Undo {
    void run() throws Exception;
  }

  private record Entry(String what, Undo undo) {}

  private final String owner;
  private final Deque<Entry> entries = new ArrayDeque<>();
  private final Thread hook;
  private boolean closed;

  CleanupLog(String owner) {
    this.owner = owner;
    this.hook = new Thread(this::undoAll, "dkv-torture-cleanup-" + owner);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /** Records that {@code what} now exists and how to remove it. Call right after creating it. */
  synchronized void created(String what, Undo undo) {
    if (closed) {
      throw new IllegalStateException(owner + " is closed; cannot record " + what);
    }
    log.info("{}: created {}", owner, what);
    entries.push(new Entry(what, undo));
  }

  @Override
  public void close() {
    undoAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down and runs the hook itself; undoAll has made it a no-op.
    }
  }

  private synchronized void undoAll() {
    closed = true;
    while (!entries.isEmpty()) {
      Entry e = entries.pop();
      try {
        e.undo().run();
        log.info("{}: removed {}", owner, e.what());
      } catch (Exception ex) {
        log.error("{}: could not remove {}; remove it by hand", owner, e.what(), ex);
      }
    }
  }
}
