package io.dkv.protocol;

/** A change to one key, as a client asked for it. Every kind yields a new, larger version. */
public sealed interface Mutation {
  /** Overwrite (or create) the key's value. */
  record Put(Bytes value) implements Mutation {}

  /** The seed's PUT: succeeds if the key is absent or already holds this value, fails otherwise. */
  record PutIfAbsent(Bytes value) implements Mutation {}

  /** Remove the key; fails with NOT_FOUND when it is absent. */
  record Delete() implements Mutation {}

  /** Write only if the key's current version equals {@code expectedVersion} (0 = absent). */
  record CompareAndSet(long expectedVersion, Bytes value) implements Mutation {}
}
