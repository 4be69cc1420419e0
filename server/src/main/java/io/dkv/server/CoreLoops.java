package io.dkv.server;

import io.dkv.core.storage.StorageException;
import io.dkv.core.twopc.CorruptRecordException;
import java.util.function.Function;
import java.util.function.Supplier;

/** What the threads that drive a protocol core ({@link CoreLoop}, {@link EventualLoop}, {@link SyncStage}) share. */
final class CoreLoops {
  private static final long JOIN_MILLIS = 5_000;

  private CoreLoops() {}

  /**
   * Runs one step of a core. A failed disk, an unreadable record or a broken invariant
   * (StorageException, CorruptRecordException, IllegalStateException) is rethrown: the node must
   * stop. So must any other exception from a peer message's step, which may have stored half of
   * what it meant to (the reasons: {@link CoreLoop}'s step). Any other exception from a client's
   * step is a bug that only this request pays for: {@code onClientBug} turns it into the output.
   *
   * @param peerMessage the message stepped, for the error ("the Vote from n2"); null for a client's step
   */
  static <O> O step(Supplier<O> step, String peerMessage, Function<RuntimeException, O> onClientBug) {
    try {
      return step.get();
    } catch (StorageException | IllegalStateException | CorruptRecordException fatal) {
      throw fatal;
    } catch (RuntimeException bug) {
      if (peerMessage != null) {
        throw new IllegalStateException("stepping " + peerMessage + " failed with an unexpected error; the"
            + " node stops so that a restart rebuilds its state from what is durable", bug);
      }
      return onClientBug.apply(bug);
    }
  }

  /** "the Vote from n2": a peer message as {@link #step} names it. */
  static String describe(Object message, String from) {
    return "the " + message.getClass().getSimpleName() + " from " + from;
  }

  /** Interrupts a loop's thread and waits a while for it to end. */
  static void stop(Thread thread) {
    thread.interrupt();
    try {
      thread.join(JOIN_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
