package io.dkv.protocol;

import io.dkv.protocol.ClientMessage.MemberMoves;
import io.dkv.protocol.ClientMessage.MoveStatusResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * Field layout of MOVE_STATUS's response; {@code docs/protocol.md} lists the same order. Every
 * count is a number of partitions or keys, so a negative one is malformed.
 */
final class MoveBodies {
  /** Smallest member: an empty id, state u8, then partitions, target, learning, leaving as i32. */
  private static final int MIN_MEMBER_BYTES = 2 + 1 + 4 * 4;

  private MoveBodies() {}

  static void write(BodyWriter w, MoveStatusResponse m) {
    w.i64(m.epoch()).i32(m.movesInProgress()).u32(m.members().size());
    for (MemberMoves member : m.members()) {
      w.string(member.nodeId()).u8(WireEnums.code(member.state())).i32(member.partitions())
          .i32(member.target()).i32(member.learning()).i32(member.leaving());
    }
    w.string(m.node()).i64(m.keysCopied()).i64(m.partitionsPromoted());
  }

  static MoveStatusResponse readResponse(BodyReader r) {
    long epoch = r.i64("epoch");
    int moves = count(r, "movesInProgress");
    int n = r.count("members", MIN_MEMBER_BYTES);
    List<MemberMoves> members = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String field = "members[" + i + "]";
      members.add(new MemberMoves(r.string(field + ".nodeId"),
          WireEnums.memberState(r, field + ".state"), count(r, field + ".partitions"),
          count(r, field + ".target"), count(r, field + ".learning"), count(r, field + ".leaving")));
    }
    String node = r.string("node");
    return new MoveStatusResponse(epoch, moves, members, node, total(r, "keysCopied"),
        total(r, "partitionsPromoted"));
  }

  private static int count(BodyReader r, String field) {
    int at = r.position();
    return (int) nonNegative(r, field, at, r.i32(field));
  }

  private static long total(BodyReader r, String field) {
    int at = r.position();
    return nonNegative(r, field, at, r.i64(field));
  }

  private static long nonNegative(BodyReader r, String field, int at, long value) {
    if (value < 0) {
      throw r.fail(field, at, value + " is negative; a count is 0 or more");
    }
    return value;
  }
}
