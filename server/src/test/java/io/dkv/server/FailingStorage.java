package io.dkv.server;

import io.dkv.core.storage.ColumnFamily;
import io.dkv.core.storage.InMemoryStorage;
import io.dkv.core.storage.Storage;
import io.dkv.core.storage.StorageException;
import io.dkv.core.storage.WriteBatch;
import java.util.List;
import java.util.function.BiConsumer;

/** An {@link InMemoryStorage} whose syncs fail, as a dying disk's fsync does, once told to. */
final class FailingStorage implements Storage {
  private final InMemoryStorage delegate = new InMemoryStorage();
  private volatile boolean syncsFail;

  /** Every sync from now on throws {@link StorageException}. */
  void failSyncs() {
    syncsFail = true;
  }

  @Override
  public byte[] get(ColumnFamily cf, byte[] key) {
    return delegate.get(cf, key);
  }

  @Override
  public void write(WriteBatch batch) {
    delegate.write(batch);
  }

  @Override
  public void sync() {
    if (syncsFail) {
      throw new StorageException("injected: fsync failed", null);
    }
    delegate.sync();
  }

  @Override
  public void scan(ColumnFamily cf, byte[] prefix, BiConsumer<byte[], byte[]> visitor) {
    delegate.scan(cf, prefix, visitor);
  }

  @Override
  public List<byte[]> keys(ColumnFamily cf, byte[] prefix, byte[] from, int limit) {
    return delegate.keys(cf, prefix, from, limit);
  }

  @Override
  public void close() {
    delegate.close();
  }
}
