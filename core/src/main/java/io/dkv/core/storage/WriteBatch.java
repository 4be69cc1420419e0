package io.dkv.core.storage;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Puts and deletes across column families that are applied atomically: all or none. */
public final class WriteBatch {
  /** One change; {@code value == null} means delete. */
  public record Op(ColumnFamily cf, byte[] key, byte[] value) {}

  private final List<Op> ops = new ArrayList<>();

  public WriteBatch put(ColumnFamily cf, byte[] key, byte[] value) {
    ops.add(new Op(cf, key, value));
    return this;
  }

  public WriteBatch delete(ColumnFamily cf, byte[] key) {
    ops.add(new Op(cf, key, null));
    return this;
  }

  public boolean isEmpty() {
    return ops.isEmpty();
  }

  public List<Op> ops() {
    return Collections.unmodifiableList(ops);
  }
}
