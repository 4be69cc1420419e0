package io.dkv.core.twopc;

/** A stored record could not be decoded: the store is damaged, so the node must stop. */
public final class CorruptRecordException extends RuntimeException {
  public CorruptRecordException(String message) {
    super(message);
  }
}
