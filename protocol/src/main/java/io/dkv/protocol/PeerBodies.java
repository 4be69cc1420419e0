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
  /** The most writes one transaction carries (a PREPARE_WRITES count, a VOTE_ON_WRITE index). */
  static final int MAX_WRITES = 1024;

  private PeerBodies() {}

  static void write(BodyWriter w, PeerMessage m) {
    w.string(m.from());
    TxnId txn = m.txn();
    w.string(txn.coordinator()).i64(txn.incarnation()).i64(txn.sequence());
    switch (m) {
      case Prepare p when p.writes().size() == 1 -> {
        Prepare.Write one = p.writes().get(0);
        w.i64(one.epoch());
        writeParticipants(w, p.participants());
        writeWrite(w, one);
      }
      case Prepare p -> {
        if (p.writes().size() > MAX_WRITES) {
          throw new IllegalArgumentException("a PREPARE_WRITES carries 2.." + MAX_WRITES + " writes, got " + p.writes().size());
        }
        writeParticipants(w, p.participants());
        w.u16(p.writes().size());
        for (Prepare.Write one : p.writes()) {
          w.i64(one.epoch());
          writeWrite(w, one);
        }
      }
      case Vote v -> {
        w.u8(WireEnums.code(v.kind())).u8(WireEnums.code(v.reason())).i64(v.version());
        if (v.write() != Vote.WHOLE) {
          if (v.write() >= MAX_WRITES) {
            throw new IllegalArgumentException("write index " + v.write() + ": a transaction has at most " + MAX_WRITES + " writes");
          }
          w.u16(v.write());
        }
      }
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
      case PREPARE_WRITES -> readPrepareWrites(r, from, txn);
      case VOTE -> new Vote(from, txn, WireEnums.voteKind(r, "kind"),
          WireEnums.abortReason(r, "reason"), r.i64("version"));
      case VOTE_ON_WRITE -> readVoteOnWrite(r, from, txn);
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
    List<String> participants = readParticipants(r);
    return new Prepare(from, txn, participants, List.of(readWrite(r, epoch, "")));
  }

  private static Prepare readPrepareWrites(BodyReader r, String from, TxnId txn) {
    List<String> participants = readParticipants(r);
    int start = r.position();
    int n = r.u16("count");
    if (n < 2 || n > MAX_WRITES) {
      throw r.fail("count", start, n + " writes; a PREPARE_WRITES carries 2.." + MAX_WRITES
          + " (one write goes in a PREPARE)");
    }
    List<Prepare.Write> writes = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      writes.add(readWrite(r, r.i64("writes[" + i + "].epoch"), "writes[" + i + "]."));
    }
    return new Prepare(from, txn, participants, writes);
  }

  private static Vote readVoteOnWrite(BodyReader r, String from, TxnId txn) {
    var kind = WireEnums.voteKind(r, "kind");
    var reason = WireEnums.abortReason(r, "reason");
    long version = r.i64("version");
    int start = r.position();
    int write = r.u16("write");
    if (write >= MAX_WRITES) {
      throw r.fail("write", start, "index " + write + "; a transaction has at most " + MAX_WRITES + " writes");
    }
    return new Vote(from, txn, kind, reason, version, write);
  }

  private static void writeParticipants(BodyWriter w, List<String> participants) {
    w.u32(participants.size());
    for (String participant : participants) {
      w.string(participant);
    }
  }

  private static List<String> readParticipants(BodyReader r) {
    int n = r.count("participants", 2);
    List<String> participants = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      participants.add(r.string("participants[" + i + "]"));
    }
    return participants;
  }

  /** A write's fields after its epoch. */
  private static void writeWrite(BodyWriter w, Prepare.Write one) {
    w.string(one.namespace()).bytes(one.key()).u8(WireEnums.code(one.mutation()));
    ClientBodies.writeMutation(w, one.mutation());
    w.i64(one.requestId());
  }

  private static Prepare.Write readWrite(BodyReader r, long epoch, String field) {
    String namespace = r.string(field + "namespace");
    Bytes key = r.bytes(field + "key");
    Mutation mutation = ClientBodies.readMutation(r, WireEnums.mutationKind(r, field + "mutation.kind"));
    return new Prepare.Write(epoch, namespace, key, mutation, r.i64(field + "requestId"));
  }
}
