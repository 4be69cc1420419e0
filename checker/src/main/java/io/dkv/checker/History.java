package io.dkv.checker;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An immutable record of client operations, on any number of keys. Build one with
 * {@link #builder()} when the times are known (a simulation's logical clock), or record it live with
 * a {@link HistoryRecorder}.
 */
public final class History {
  private final List<Operation> operations;

  private History(List<Operation> operations) {
    this.operations = List.copyOf(operations);
  }

  /** A history of these operations; their ids must be distinct. */
  public static History of(List<Operation> operations) {
    Set<Integer> ids = new HashSet<>();
    for (Operation op : operations) {
      if (!ids.add(op.id())) {
        throw new IllegalArgumentException("operation id " + op.id() + " appears twice; ids must be unique in a history");
      }
    }
    return new History(operations);
  }

  public static Builder builder() {
    return new Builder();
  }

  public List<Operation> operations() {
    return operations;
  }

  /** The operations of each key, keys in order of first appearance. */
  public Map<String, List<Operation>> byKey() {
    Map<String, List<Operation>> byKey = new LinkedHashMap<>();
    for (Operation op : operations) {
      byKey.computeIfAbsent(op.key(), k -> new ArrayList<>()).add(op);
    }
    return byKey;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof History h && operations.equals(h.operations);
  }

  @Override
  public int hashCode() {
    return operations.hashCode();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("History(").append(operations.size()).append(" operations)");
    operations.forEach(op -> sb.append("\n  ").append(op));
    return sb.toString();
  }

  /** Adds operations with explicit times and ids 0, 1, 2, ...; not thread-safe. */
  public static final class Builder {
    private final List<Operation> operations = new ArrayList<>();

    private Builder() {}

    /** Adds an operation and returns it; {@code completedAt} may be {@link Operation#NEVER_RETURNED}. */
    public Operation add(int process, String key, Command command, long invokedAt, long completedAt, Outcome outcome) {
      Operation op = new Operation(operations.size(), process, key, command, invokedAt, completedAt, outcome);
      operations.add(op);
      return op;
    }

    public History build() {
      return new History(operations);
    }
  }
}
