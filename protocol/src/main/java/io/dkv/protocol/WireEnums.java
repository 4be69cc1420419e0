package io.dkv.protocol;

import io.dkv.protocol.ClientMessage.JoinOutcome;
import io.dkv.protocol.ClientMessage.MemberState;
import io.dkv.protocol.ClientMessage.NamespaceMode;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.PeerMessage.AbortReason;
import io.dkv.protocol.PeerMessage.TxnState;
import io.dkv.protocol.PeerMessage.VoteKind;

/**
 * The stable u8 wire codes of every enum the protocol carries. They are written out by hand, not
 * taken from {@code ordinal()}, so that reordering or inserting an enum constant in Java never
 * changes the wire. Never renumber or reuse a code; add new codes at the end. Each encoder is an
 * exhaustive switch without default, so a new constant breaks the build until it gets a code.
 */
final class WireEnums {
  private WireEnums() {}

  static int code(WriteStatus s) {
    return switch (s) {
      case OK -> 1;
      case CONDITION_FAILED -> 2;
      case NOT_FOUND -> 3;
    };
  }

  static WriteStatus writeStatus(BodyReader r, String field) {
    int c = r.u8(field);
    return switch (c) {
      case 1 -> WriteStatus.OK;
      case 2 -> WriteStatus.CONDITION_FAILED;
      case 3 -> WriteStatus.NOT_FOUND;
      default -> throw unknown(r, field, c, "1 (OK), 2 (CONDITION_FAILED), 3 (NOT_FOUND)");
    };
  }

  static int code(MemberState s) {
    return switch (s) {
      case JOINING -> 1;
      case UP -> 2;
      case LEAVING -> 3;
      case DOWN -> 4;
      case REMOVED -> 5;
    };
  }

  static MemberState memberState(BodyReader r, String field) {
    int c = r.u8(field);
    return switch (c) {
      case 1 -> MemberState.JOINING;
      case 2 -> MemberState.UP;
      case 3 -> MemberState.LEAVING;
      case 4 -> MemberState.DOWN;
      case 5 -> MemberState.REMOVED;
      default -> throw unknown(r, field, c, "1 (JOINING), 2 (UP), 3 (LEAVING), 4 (DOWN),"
          + " 5 (REMOVED)");
    };
  }

  static int code(NamespaceMode m) {
    return switch (m) {
      case STRONG -> 1;
      case EVENTUAL -> 2;
    };
  }

  static NamespaceMode namespaceMode(BodyReader r, String field) {
    int c = r.u8(field);
    return switch (c) {
      case 1 -> NamespaceMode.STRONG;
      case 2 -> NamespaceMode.EVENTUAL;
      default -> throw unknown(r, field, c, "1 (STRONG), 2 (EVENTUAL)");
    };
  }

  static int code(JoinOutcome o) {
    return switch (o) {
      case ACCEPTED -> 1;
      case ALREADY_MEMBER -> 2;
      case REFUSED -> 3;
    };
  }

  static JoinOutcome joinOutcome(BodyReader r, String field) {
    int c = r.u8(field);
    return switch (c) {
      case 1 -> JoinOutcome.ACCEPTED;
      case 2 -> JoinOutcome.ALREADY_MEMBER;
      case 3 -> JoinOutcome.REFUSED;
      default -> throw unknown(r, field, c, "1 (ACCEPTED), 2 (ALREADY_MEMBER), 3 (REFUSED)");
    };
  }

  static int code(VoteKind k) {
    return switch (k) {
      case COMMIT -> 1;
      case ABORT -> 2;
      case DUPLICATE -> 3;
    };
  }

  static VoteKind voteKind(BodyReader r, String field) {
    int c = r.u8(field);
    return switch (c) {
      case 1 -> VoteKind.COMMIT;
      case 2 -> VoteKind.ABORT;
      case 3 -> VoteKind.DUPLICATE;
      default -> throw unknown(r, field, c, "1 (COMMIT), 2 (ABORT), 3 (DUPLICATE)");
    };
  }

  static int code(AbortReason a) {
    return switch (a) {
      case NONE -> 0;
      case LOCK_CONFLICT -> 1;
      case CONDITION_FAILED -> 2;
      case NOT_FOUND -> 3;
      case STALE_EPOCH -> 4;
      case REFUSED -> 5;
    };
  }

  static AbortReason abortReason(BodyReader r, String field) {
    int c = r.u8(field);
    return switch (c) {
      case 0 -> AbortReason.NONE;
      case 1 -> AbortReason.LOCK_CONFLICT;
      case 2 -> AbortReason.CONDITION_FAILED;
      case 3 -> AbortReason.NOT_FOUND;
      case 4 -> AbortReason.STALE_EPOCH;
      case 5 -> AbortReason.REFUSED;
      default -> throw unknown(r, field, c, "0 (NONE), 1 (LOCK_CONFLICT), 2 (CONDITION_FAILED),"
          + " 3 (NOT_FOUND), 4 (STALE_EPOCH), 5 (REFUSED)");
    };
  }

  static int code(TxnState s) {
    return switch (s) {
      case REFUSED -> 1;
      case PREPARED -> 2;
      case COMMITTED -> 3;
      case ABORTED -> 4;
      case FORGOTTEN -> 5;
      case UNDECIDED -> 6;
    };
  }

  static TxnState txnState(BodyReader r, String field) {
    int c = r.u8(field);
    return switch (c) {
      case 1 -> TxnState.REFUSED;
      case 2 -> TxnState.PREPARED;
      case 3 -> TxnState.COMMITTED;
      case 4 -> TxnState.ABORTED;
      case 5 -> TxnState.FORGOTTEN;
      case 6 -> TxnState.UNDECIDED;
      default -> throw unknown(r, field, c, "1 (REFUSED), 2 (PREPARED), 3 (COMMITTED),"
          + " 4 (ABORTED), 5 (FORGOTTEN), 6 (UNDECIDED)");
    };
  }

  /** The mutation kind tag inside PREPARE (a client write says it with the procedure id). */
  static int code(Mutation m) {
    return switch (m) {
      case Mutation.Put p -> 1;
      case Mutation.PutIfAbsent p -> 2;
      case Mutation.Delete d -> 3;
      case Mutation.CompareAndSet c -> 4;
    };
  }

  static Procedure mutationKind(BodyReader r, String field) {
    int c = r.u8(field);
    return switch (c) {
      case 1 -> Procedure.PUT;
      case 2 -> Procedure.PUT_IF_ABSENT;
      case 3 -> Procedure.DELETE;
      case 4 -> Procedure.COMPARE_AND_SET;
      default -> throw unknown(r, field, c, "1 (PUT), 2 (PUT_IF_ABSENT), 3 (DELETE),"
          + " 4 (COMPARE_AND_SET)");
    };
  }

  private static MalformedMessageException unknown(BodyReader r, String field, int code,
                                                   String allowed) {
    return r.fail(field, r.position() - 1, "unknown code " + code + "; allowed: " + allowed);
  }
}
