package io.dkv.client;

/** putIfAbsent found a different value, or compareAndSet found another version. Nothing changed. */
public final class ConditionFailedException extends DkvException {
  private final long currentVersion;

  public ConditionFailedException(String message, long currentVersion) {
    super(message);
    this.currentVersion = currentVersion;
  }

  /** The key's version when the condition was checked; 0 when the key was absent. */
  public long currentVersion() {
    return currentVersion;
  }
}
