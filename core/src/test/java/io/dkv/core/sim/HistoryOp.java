package io.dkv.core.sim;

import io.dkv.checker.Command;
import io.dkv.checker.Operation;
import io.dkv.checker.Outcome;
import io.dkv.protocol.Bytes;

/**
 * One client operation on one key, from invocation to its final answer (a write's retries with the
 * same request id belong to the same operation). Times are logical: the simulation's event order.
 */
final class HistoryOp {
  enum Kind { GET, PUT, PUT_IF_ABSENT, DELETE, CAS }

  enum Status {
    PENDING,
    /** Took effect: a write's new version, or a read's answer. */
    OK,
    /** A definite failed condition (put-if-absent or compare-and-set): an observation. */
    CONDITION_FAILED,
    /** A definite delete of an absent key: an observation. */
    NOT_FOUND,
    /** Timed out: the write may or may not have taken effect, at any time after invocation. */
    UNKNOWN,
    /** Definitely without effect or observation (a lock conflict, a read timeout). */
    NO_EFFECT
  }

  final int id;
  final int client;
  final String key;
  final Kind kind;
  /** PUT, PUT_IF_ABSENT, CAS: the value written. */
  final Bytes value;
  /** CAS: the expected version. */
  final long expectedVersion;
  final long invokedAt;
  /** Writes: the client's request id, the same for every attempt. */
  long requestId;
  long returnedAt = Operation.NEVER_RETURNED;
  Status status = Status.PENDING;
  /** OK write: new version; CONDITION_FAILED: current version; GET: version read. */
  long version;
  boolean found;
  Bytes readValue;

  HistoryOp(int id, int client, String key, Kind kind, Bytes value, long expectedVersion, long invokedAt) {
    this.id = id;
    this.client = client;
    this.key = key;
    this.kind = kind;
    this.value = value;
    this.expectedVersion = expectedVersion;
    this.invokedAt = invokedAt;
  }

  /**
   * This operation as the linearizability checker sees it. An operation still pending may yet take
   * effect, so it counts as unknown; one without effect as failed.
   */
  Operation toOperation() {
    Command command = switch (kind) {
      case GET -> Command.get();
      case PUT -> Command.put(value.toUtf8());
      case PUT_IF_ABSENT -> Command.putIfAbsent(value.toUtf8());
      case DELETE -> Command.delete();
      case CAS -> Command.compareAndSet(expectedVersion, value.toUtf8());
    };
    Outcome outcome = switch (status) {
      case OK -> kind != Kind.GET ? new Outcome.Written(version)
          : found ? new Outcome.Found(readValue.toUtf8(), version) : Outcome.NOT_FOUND;
      case CONDITION_FAILED -> new Outcome.ConditionFailed(version);
      case NOT_FOUND -> Outcome.NOT_FOUND;
      case UNKNOWN, PENDING -> Outcome.UNKNOWN;
      case NO_EFFECT -> Outcome.FAILED;
    };
    return new Operation(id, client, key, command, invokedAt, returnedAt, outcome);
  }

  @Override
  public String toString() {
    String args = switch (kind) {
      case GET, DELETE -> "";
      case PUT, PUT_IF_ABSENT -> "(" + value + ")";
      case CAS -> "(" + expectedVersion + ", " + value + ")";
    };
    String result = switch (status) {
      case OK -> kind == Kind.GET ? (found ? "found v" + version + " " + readValue : "absent") : "ok v" + version;
      case CONDITION_FAILED -> "condition-failed v" + version;
      case NOT_FOUND -> "not-found";
      case UNKNOWN, PENDING, NO_EFFECT -> status.name().toLowerCase();
    };
    String until = returnedAt == Operation.NEVER_RETURNED ? "∞" : Long.toString(returnedAt);
    return "#" + id + " c" + client + " [" + invokedAt + ".." + until + "] " + kind + args + " -> " + result;
  }
}
