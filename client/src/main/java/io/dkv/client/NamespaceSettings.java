package io.dkv.client;

import java.util.Objects;

/**
 * How a namespace replicates: its writes go to {@code n} replicas of a key's partition and are
 * acknowledged after {@code w} of them; reads are answered after {@code r} replies. The directory
 * judges the settings when a namespace is created (N at most RF, strong needs W = N and R = 1) and
 * refuses bad ones with {@link InvalidRequestException}.
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

  public enum Mode {
    /** Two-phase commit on every replica (W = N); reads from any one (R = 1). */
    STRONG,
    /** Quorum writes and reads. Not available yet: the directory refuses to create one. */
    EVENTUAL
  }
}
