package io.dkv.checker;

import java.time.Duration;
import java.util.List;

/**
 * The verdict on one key's operations.
 *
 * @param operations  how many operations of the key were checked (answered ones and unknown writes)
 * @param explanation for NOT_LINEARIZABLE, how far the longest valid order got and the state it
 *                    reached there; for UNKNOWN, how far the search got; empty for LINEARIZABLE
 * @param unplaced    for NOT_LINEARIZABLE: the answered operations that could come next after the
 *                    longest valid order, none of which fits the state it reached; else empty
 * @param elapsed     how long the search ran
 */
public record KeyVerdict(String key, Verdict verdict, int operations, String explanation, List<Operation> unplaced,
                         Duration elapsed) {
  public KeyVerdict {
    unplaced = List.copyOf(unplaced);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder(key + ": " + verdict + " (" + operations + " operations, "
        + elapsed.toMillis() + " ms)");
    if (!explanation.isEmpty()) {
      sb.append(": ").append(explanation);
    }
    unplaced.forEach(op -> sb.append("\n    ").append(op));
    return sb.toString();
  }
}
