package io.dkv.core.directory;

/**
 * How a namespace replicates its writes. The codes are part of the directory's encoding: never
 * reuse or renumber one.
 */
public enum NamespaceMode {
  /** Two-phase commit on every replica (W = N), reads from any one replica (R = 1). */
  STRONG(1),
  /**
   * Quorum writes and reads on N replicas (docs/eventual.md): a write is acknowledged after W of
   * them hold it, a read answers the newest of R replies; last writer wins by version.
   */
  EVENTUAL(2);

  private final int code;

  NamespaceMode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  /** The mode with this code; {@link IllegalArgumentException} naming the known codes if none. */
  public static NamespaceMode ofCode(int code) {
    for (NamespaceMode m : values()) {
      if (m.code == code) {
        return m;
      }
    }
    throw new IllegalArgumentException("unknown namespace mode code " + code + "; known: 1 (strong), 2 (eventual)");
  }

  @Override
  public String toString() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
