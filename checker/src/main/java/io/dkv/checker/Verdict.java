package io.dkv.checker;

/** What the check found out about a history, or about one key's part of it. */
public enum Verdict {
  /** Some order of the operations, each taking effect between its invocation and its answer, fits the register. */
  LINEARIZABLE,
  /** No such order exists: the system broke its contract. */
  NOT_LINEARIZABLE,
  /** The time limit ran out before the search found either. */
  UNKNOWN;

  /** The verdict of a whole made of parts with these two verdicts: one violation makes the whole one. */
  Verdict and(Verdict other) {
    if (this == NOT_LINEARIZABLE || other == NOT_LINEARIZABLE) {
      return NOT_LINEARIZABLE;
    }
    return this == UNKNOWN || other == UNKNOWN ? UNKNOWN : LINEARIZABLE;
  }
}
