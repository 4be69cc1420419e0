package io.dkv.core.twopc;

/** The global outcome of a transaction; {@code version} is the commit version (0 for abort). */
record Outcome(boolean commit, long version) {
  static final Outcome ABORT = new Outcome(false, 0);

  static Outcome commitAt(long version) {
    return new Outcome(true, version);
  }

  @Override
  public String toString() {
    return commit ? "COMMIT@" + version : "ABORT";
  }
}
