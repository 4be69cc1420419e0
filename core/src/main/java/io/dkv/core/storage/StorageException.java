package io.dkv.core.storage;

/** The local store failed: the node cannot keep its durability promises and must stop. */
public final class StorageException extends RuntimeException {
  public StorageException(String message, Throwable cause) {
    super(message, cause);
  }
}
