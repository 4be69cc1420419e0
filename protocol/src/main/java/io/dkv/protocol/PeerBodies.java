package io.dkv.protocol;

import io.dkv.protocol.PeerMessage.Ack;
import io.dkv.protocol.PeerMessage.Decision;
import io.dkv.protocol.PeerMessage.Forget;
import io.dkv.protocol.PeerMessage.Prepare;
import io.dkv.protocol.PeerMessage.StatusQuery;
import io.dkv.protocol.PeerMessage.StatusReply;
import io.dkv.protocol.PeerMessage.Vote;
import java.util.ArrayList;
import java.util.List;

/**
 * Field layouts of the peer messages; {@code docs/protocol.md} lists the same order. Every body
 * starts with the sender ({@code from}) and the transaction id.
 */
final class PeerBodies {
  private PeerBodies() {}

  static void write(BodyWriter w, PeerMessage m) {
    w.string(m.from());
    TxnId txn = m.txn();
    w.string(txn.coordinator()).i64(txn.incarnation()).i64(txn.sequence());
    switch (m) {
      case Prepare p -> {
        w.i64(p.epoch()).u32(p.participants().size());
        for (String participant : p.participants()) {
          w.string(participant);
        }
        w.string(p.namespace()).bytes(p.key()).u8(WireEnums.code(p.mutation()));
        ClientBodies.writeMutation(w, p.mutation());
        w.i64(p.requestId());
      }
      case Vote v -> w.u8(WireEnums.code(v.kind())).u8(WireEnums.code(v.reason())).i64(v.version());
      case Decision d -> w.bool(d.commit()).i64(d.version());
      case Ack a -> { }
      case StatusQuery q -> { }
      case StatusReply s -> w.u8(WireEnums.code(s.state())).i64(s.version());
      case Forget f -> { }
    }
  }

  static PeerMessage read(BodyReader r, Procedure p) {
    String from = r.string("from");
    TxnId txn = new TxnId(r.string("txn.coordinator"), r.i64("txn.incarnation"),
        r.i64("txn.sequence"));
    return switch (p) {
      case PREPARE -> readPrepare(r, from, txn);
      case VOTE -> new Vote(from, txn, WireEnums.voteKind(r, "kind"),
          WireEnums.abortReason(r, "reason"), r.i64("version"));
      case DECISION -> new Decision(from, txn, r.bool("commit"), r.i64("version"));
      case ACK -> new Ack(from, txn);
      case STATUS_QUERY -> new StatusQuery(from, txn);
      case STATUS_REPLY -> new StatusReply(from, txn, WireEnums.txnState(r, "state"),
          r.i64("version"));
      case FORGET -> new Forget(from, txn);
      case GET, PEER_BATCH, PUT, PUT_IF_ABSENT, DELETE, COMPARE_AND_SET, PARTITION_MAP, STATUS,
           CLUSTER_STATUS, CREATE_NAMESPACE, DROP_NAMESPACE, JOIN, LEAVE, COPY_PARTITION, MOVE_STATUS,
           GET_WITH_QUORUM, PUT_WITH_QUORUM, DELETE_WITH_QUORUM, QUORUM_WRITE, QUORUM_ACK, QUORUM_REFUSED,
           QUORUM_READ, QUORUM_REPLY, HINTED_WRITE, HINT_ACK, COPY_EVENTUAL, REPAIR, REPAIR_TREE, REPAIR_HASHES,
           REPAIR_KEYS, REPAIR_WANT, PURGE_REQUEST, PURGE_REPLY ->
          throw new IllegalArgumentException(p + " is not a 2PC peer procedure");
    };
  }

  private static Prepare readPrepare(BodyReader r, String from, TxnId txn) {
    long epoch = r.i64("epoch");
    int n = r.count("participants", 2);
    List<String> participants = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      participants.add(r.string("participants[" + i + "]"));
    }
    String namespace = r.string("namespace");
    Bytes key = r.bytes("key");
    Mutation mutation = ClientBodies.readMutation(r, WireEnums.mutationKind(r, "mutation.kind"));
    return new Prepare(from, txn, epoch, List.copyOf(participants), namespace, key, mutation,
        r.i64("requestId"));
  }
}
