package io.dkv.checker;

import java.util.List;

/**
 * The verdicts on a history: one per key, and overall NOT_LINEARIZABLE if any key is (P-compositionality:
 * a history is linearizable iff each key's part is), else UNKNOWN if any key is, else LINEARIZABLE.
 */
public record CheckResult(Verdict overall, List<KeyVerdict> keys) {
  public CheckResult {
    keys = List.copyOf(keys);
  }

  static CheckResult of(List<KeyVerdict> keys) {
    Verdict overall = Verdict.LINEARIZABLE;
    for (KeyVerdict k : keys) {
      overall = overall.and(k.verdict());
    }
    return new CheckResult(overall, keys);
  }

  /** The verdict on {@code key}; a key without operations is trivially linearizable. */
  public Verdict verdictOf(String key) {
    return keys.stream().filter(k -> k.key().equals(key)).map(KeyVerdict::verdict).findFirst()
        .orElse(Verdict.LINEARIZABLE);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(overall.toString());
    keys.stream().filter(k -> k.verdict() != Verdict.LINEARIZABLE).forEach(k -> sb.append("\n  ").append(k));
    return sb.toString();
  }
}
