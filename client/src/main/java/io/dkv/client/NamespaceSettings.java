package io.dkv.client;

import io.dkv.core.eventual.QuorumSettings;
import java.util.Objects;
import java.util.Optional;

/**
 * How a namespace replicates: its writes go to {@code n} replicas of a key's partition and are
 * acknowledged after {@code w} of them; reads are answered after {@code r} replies. The directory
 * judges the settings when a namespace is created (N at most RF, strong needs W = N and R = 1,
 * eventual W and R from 1 to N) and refuses bad ones with {@link InvalidRequestException}.
 */
public record NamespaceSettings(String name, Mode mode, int n, int w, int r) {
  public NamespaceSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(mode, "mode");
  }

  /** A strong namespace on {@code n} replicas: W = N, R = 1. */
  public static NamespaceSettings strong(String name, int n) {
    return new NamespaceSettings(name, Mode.STRONG, n, n, 1);
  }

  /**
   * An eventual namespace on {@code n} replicas: writes acknowledged after {@code w}, reads after
   * {@code r} replies (docs/eventual.md). R + W > N makes a read see the latest acknowledged write;
   * {@link #overlapWarning()} says when it does not.
   */
  public static NamespaceSettings eventual(String name, int n, int w, int r) {
    return new NamespaceSettings(name, Mode.EVENTUAL, n, w, r);
  }

  /**
   * For an eventual namespace whose R + W is not more than N, the warning to show a user: reads
   * may miss the latest acknowledged write. Empty for strong namespaces, for R + W > N, and for
   * settings the directory will refuse anyway (W or R outside 1..N).
   */
  public Optional<String> overlapWarning() {
    if (mode != Mode.EVENTUAL || n < 1 || w < 1 || w > n || r < 1 || r > n) {
      return Optional.empty();
    }
    return Optional.ofNullable(new QuorumSettings(n, w, r).overlapWarning());
  }

  public enum Mode {
    /** Two-phase commit on every replica (W = N); reads from any one (R = 1). */
    STRONG,
    /**
     * Quorum writes and reads on N replicas, last writer wins (docs/eventual.md); W and R may be
     * overridden per request. compareAndSet and putIfAbsent are refused.
     */
    EVENTUAL
  }
}
