package io.dkv.protocol;

import io.dkv.protocol.ClientMessage.ClusterStatusRequest;
import io.dkv.protocol.ClientMessage.ClusterStatusResponse;
import io.dkv.protocol.ClientMessage.CopyRequest;
import io.dkv.protocol.ClientMessage.CopyResponse;
import io.dkv.protocol.ClientMessage.CreateNamespaceRequest;
import io.dkv.protocol.ClientMessage.DirectoryChangeResponse;
import io.dkv.protocol.ClientMessage.DropNamespaceRequest;
import io.dkv.protocol.ClientMessage.ErrorResponse;
import io.dkv.protocol.ClientMessage.GetRequest;
import io.dkv.protocol.ClientMessage.GetResponse;
import io.dkv.protocol.ClientMessage.JoinRequest;
import io.dkv.protocol.ClientMessage.JoinResponse;
import io.dkv.protocol.ClientMessage.LeaveRequest;
import io.dkv.protocol.ClientMessage.Member;
import io.dkv.protocol.ClientMessage.MemberStatus;
import io.dkv.protocol.ClientMessage.MoveStatusRequest;
import io.dkv.protocol.ClientMessage.MoveStatusResponse;
import io.dkv.protocol.ClientMessage.RepairRequest;
import io.dkv.protocol.ClientMessage.RepairResponse;
import io.dkv.protocol.ClientMessage.NamespaceInfo;
import io.dkv.protocol.ClientMessage.PartitionMapRequest;
import io.dkv.protocol.ClientMessage.PartitionMapResponse;
import io.dkv.protocol.ClientMessage.QuorumGetRequest;
import io.dkv.protocol.ClientMessage.QuorumWriteRequest;
import io.dkv.protocol.ClientMessage.StatusRequest;
import io.dkv.protocol.ClientMessage.StatusResponse;
import io.dkv.protocol.ClientMessage.WriteRequest;
import io.dkv.protocol.ClientMessage.WriteResponse;
import java.util.ArrayList;
import java.util.List;

/** Field layouts of the client messages; {@code docs/protocol.md} lists the same order. */
final class ClientBodies {
  /** Smallest encoded member: three empty strings' worth of length prefixes (2 + 2) and a port. */
  private static final int MIN_MEMBER_BYTES = 2 + 2 + 2;
  /** Smallest member status: two empty strings, state u8, partitions i32, voter bool. */
  private static final int MIN_MEMBER_STATUS_BYTES = 2 + 2 + 1 + 4 + 1;
  /** Smallest namespace: an empty name, mode u8, n, w and r as i32. */
  private static final int MIN_NAMESPACE_BYTES = 2 + 1 + 3 * 4;

  private ClientBodies() {}

  static void write(BodyWriter w, ClientMessage m) {
    switch (m) {
      case GetRequest g -> w.string(g.namespace()).bytes(g.key()).bool(g.direct()).i64(g.epoch());
      case GetResponse g -> w.bool(g.found()).i64(g.version()).bytes(g.value());
      case WriteRequest r -> {
        w.string(r.namespace()).bytes(r.key());
        writeMutation(w, r.mutation());
        w.i64(r.epoch());
      }
      case QuorumGetRequest q -> {
        write(w, q.get());
        writeQuorumLevel(w, q.readQuorum());
      }
      case QuorumWriteRequest q -> {
        write(w, q.write());
        writeQuorumLevel(w, q.writeQuorum());
      }
      case WriteResponse r -> w.u8(WireEnums.code(r.status())).i64(r.version());
      case PartitionMapRequest r -> { }
      case PartitionMapResponse r -> {
        w.i64(r.epoch());
        writeMembers(w, r.members());
        w.u32(r.replicas().size());
        for (int[] set : r.replicas()) {
          w.u32(set.length);
          for (int index : set) {
            if (index < 0 || index >= r.members().size()) {
              throw new IllegalArgumentException("replica index " + index + " is not an index"
                  + " into the " + r.members().size() + " members");
            }
            w.u32(index);
          }
        }
      }
      case StatusRequest r -> { }
      case StatusResponse s -> {
        w.string(s.nodeId()).i64(s.epoch()).i64(s.uptimeMillis()).i32(s.partitionsReplicated())
            .i32(s.activeTransactions()).i32(s.preparedKeys());
        writeMembers(w, s.members());
      }
      case ClusterStatusRequest r -> { }
      case ClusterStatusResponse c -> writeClusterStatus(w, c);
      case CreateNamespaceRequest c -> writeNamespace(w, c.namespace());
      case DropNamespaceRequest d -> w.string(d.name());
      case DirectoryChangeResponse d -> w.i64(d.epoch());
      case CopyRequest c -> CopyBodies.write(w, c);
      case CopyResponse c -> CopyBodies.write(w, c);
      case JoinRequest j -> w.string(j.nodeId()).string(j.address());
      case JoinResponse j -> {
        w.u8(WireEnums.code(j.outcome())).i64(j.epoch()).string(j.reason()).i32(j.partitionCount())
            .i32(j.replicationFactor());
        writeMembers(w, j.voters());
      }
      case LeaveRequest l -> w.string(l.nodeId());
      case MoveStatusRequest r -> { }
      case MoveStatusResponse s -> MoveBodies.write(w, s);
      case RepairRequest r -> w.string(r.namespace());
      case RepairResponse r -> RepairBodies.write(w, r);
      case ErrorResponse e -> w.u16(e.code().code()).string(e.message());
    }
  }

  private static void writeQuorumLevel(BodyWriter w, QuorumLevel level) {
    w.u8(level.kind().code()).i32(level.count());
  }

  private static QuorumLevel readQuorumLevel(BodyReader r, String field) {
    int offset = r.position();
    int code = r.u8(field + ".kind");
    int count = r.i32(field + ".count");
    QuorumLevel.Kind kind = switch (code) {
      case 1 -> QuorumLevel.Kind.COUNT;
      case 2 -> QuorumLevel.Kind.QUORUM;
      case 3 -> QuorumLevel.Kind.ALL;
      default -> throw r.fail(field + ".kind", offset, "unknown code " + code
          + "; allowed: 1 (COUNT), 2 (QUORUM), 3 (ALL)");
    };
    if (kind != QuorumLevel.Kind.COUNT && count != 0) {
      throw r.fail(field + ".count", offset + 1, "must be 0 for " + kind + ", got " + count);
    }
    return new QuorumLevel(kind, count);
  }

  static QuorumGetRequest readQuorumGetRequest(BodyReader r) {
    return new QuorumGetRequest(readGetRequest(r), readQuorumLevel(r, "readQuorum"));
  }

  /** PUT_WITH_QUORUM carries a put's fields, DELETE_WITH_QUORUM a delete's. */
  static QuorumWriteRequest readQuorumWriteRequest(BodyReader r, Procedure p) {
    Procedure kind = p == Procedure.PUT_WITH_QUORUM ? Procedure.PUT : Procedure.DELETE;
    return new QuorumWriteRequest(readWriteRequest(r, kind), readQuorumLevel(r, "writeQuorum"));
  }

  private static void writeClusterStatus(BodyWriter w, ClusterStatusResponse c) {
    w.i64(c.epoch()).string(c.leader()).i32(c.partitionCount()).i32(c.replicationFactor());
    w.u32(c.members().size());
    for (MemberStatus m : c.members()) {
      w.string(m.nodeId()).string(m.address()).u8(WireEnums.code(m.state())).i32(m.partitions())
          .bool(m.voter());
    }
    w.u32(c.namespaces().size());
    for (NamespaceInfo n : c.namespaces()) {
      writeNamespace(w, n);
    }
  }

  private static void writeNamespace(BodyWriter w, NamespaceInfo n) {
    w.string(n.name()).u8(WireEnums.code(n.mode())).i32(n.n()).i32(n.w()).i32(n.r());
  }

  /** The mutation's own fields; its kind travels elsewhere (procedure id or a PREPARE tag). */
  static void writeMutation(BodyWriter w, Mutation m) {
    switch (m) {
      case Mutation.Put p -> w.bytes(p.value());
      case Mutation.PutIfAbsent p -> w.bytes(p.value());
      case Mutation.Delete d -> { }
      case Mutation.CompareAndSet c -> w.i64(c.expectedVersion()).bytes(c.value());
    }
  }

  static Mutation readMutation(BodyReader r, Procedure kind) {
    return switch (kind) {
      case PUT -> new Mutation.Put(r.bytes("value"));
      case PUT_IF_ABSENT -> new Mutation.PutIfAbsent(r.bytes("value"));
      case DELETE -> new Mutation.Delete();
      case COMPARE_AND_SET -> new Mutation.CompareAndSet(r.i64("expectedVersion"), r.bytes("value"));
      case GET, PARTITION_MAP, STATUS, CLUSTER_STATUS, CREATE_NAMESPACE, DROP_NAMESPACE, JOIN, LEAVE,
           COPY_PARTITION, MOVE_STATUS, PREPARE, VOTE, DECISION, ACK, STATUS_QUERY, STATUS_REPLY,
           FORGET, PEER_BATCH, GET_WITH_QUORUM, PUT_WITH_QUORUM, DELETE_WITH_QUORUM, QUORUM_WRITE,
           QUORUM_ACK, QUORUM_REFUSED, QUORUM_READ, QUORUM_REPLY, HINTED_WRITE, HINT_ACK, COPY_EVENTUAL, REPAIR,
           REPAIR_TREE, REPAIR_HASHES, REPAIR_KEYS, REPAIR_WANT, PURGE_REQUEST, PURGE_REPLY, PREPARE_WRITES,
           VOTE_ON_WRITE ->
          throw new IllegalArgumentException(kind + " is not a write procedure");
    };
  }

  static GetRequest readGetRequest(BodyReader r) {
    return new GetRequest(r.string("namespace"), r.bytes("key"), r.bool("direct"), r.i64("epoch"));
  }

  static GetResponse readGetResponse(BodyReader r) {
    return new GetResponse(r.bool("found"), r.i64("version"), r.bytes("value"));
  }

  static WriteRequest readWriteRequest(BodyReader r, Procedure kind) {
    String namespace = r.string("namespace");
    Bytes key = r.bytes("key");
    Mutation mutation = readMutation(r, kind);
    return new WriteRequest(namespace, key, mutation, r.i64("epoch"));
  }

  static WriteResponse readWriteResponse(BodyReader r) {
    return new WriteResponse(WireEnums.writeStatus(r, "status"), r.i64("version"));
  }

  static PartitionMapResponse readPartitionMapResponse(BodyReader r) {
    long epoch = r.i64("epoch");
    List<Member> members = readMembers(r);
    int sets = r.count("replicas", 4);
    List<int[]> replicas = new ArrayList<>(sets);
    for (int p = 0; p < sets; p++) {
      int n = r.count("replicas[" + p + "]", 4);
      int[] set = new int[n];
      for (int i = 0; i < n; i++) {
        int offset = r.position();
        long index = r.u32("replicas[" + p + "][" + i + "]");
        if (index >= members.size()) {
          throw r.fail("replicas[" + p + "][" + i + "]", offset, "member index " + index
              + " is out of range; there are " + members.size() + " members");
        }
        set[i] = (int) index;
      }
      replicas.add(set);
    }
    return new PartitionMapResponse(epoch, List.copyOf(members), List.copyOf(replicas));
  }

  static StatusResponse readStatusResponse(BodyReader r) {
    return new StatusResponse(r.string("nodeId"), r.i64("epoch"), r.i64("uptimeMillis"),
        r.i32("partitionsReplicated"), r.i32("activeTransactions"), r.i32("preparedKeys"),
        readMembers(r));
  }

  static ClusterStatusResponse readClusterStatusResponse(BodyReader r) {
    long epoch = r.i64("epoch");
    String leader = r.string("leader");
    int partitionCount = r.i32("partitionCount");
    int replicationFactor = r.i32("replicationFactor");
    int m = r.count("members", MIN_MEMBER_STATUS_BYTES);
    List<MemberStatus> members = new ArrayList<>(m);
    for (int i = 0; i < m; i++) {
      String field = "members[" + i + "]";
      members.add(new MemberStatus(r.string(field + ".nodeId"), r.string(field + ".address"),
          WireEnums.memberState(r, field + ".state"), r.i32(field + ".partitions"),
          r.bool(field + ".voter")));
    }
    int n = r.count("namespaces", MIN_NAMESPACE_BYTES);
    List<NamespaceInfo> namespaces = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      namespaces.add(readNamespace(r, "namespaces[" + i + "]"));
    }
    return new ClusterStatusResponse(epoch, leader, partitionCount, replicationFactor,
        List.copyOf(members), List.copyOf(namespaces));
  }

  static CreateNamespaceRequest readCreateNamespaceRequest(BodyReader r) {
    return new CreateNamespaceRequest(readNamespace(r, "namespace"));
  }

  static JoinRequest readJoinRequest(BodyReader r) {
    return new JoinRequest(r.string("nodeId"), r.string("address"));
  }

  static JoinResponse readJoinResponse(BodyReader r) {
    return new JoinResponse(WireEnums.joinOutcome(r, "outcome"), r.i64("epoch"), r.string("reason"),
        r.i32("partitionCount"), r.i32("replicationFactor"), readMembers(r, "voters"));
  }

  private static NamespaceInfo readNamespace(BodyReader r, String field) {
    return new NamespaceInfo(r.string(field + ".name"), WireEnums.namespaceMode(r, field + ".mode"),
        r.i32(field + ".n"), r.i32(field + ".w"), r.i32(field + ".r"));
  }

  static ErrorResponse readError(BodyReader r) {
    int code = r.u16("code");
    String message = r.string("message");
    ErrorCode known = ErrorCode.of(code);
    // A newer peer may send a code we do not know; keep the number so nothing is hidden.
    if (known.code() != code) {
      message = "(unknown error code " + code + ") " + message;
    }
    return new ErrorResponse(known, message);
  }

  private static void writeMembers(BodyWriter w, List<Member> members) {
    w.u32(members.size());
    for (Member m : members) {
      w.string(m.nodeId()).string(m.host()).u16(m.port());
    }
  }

  private static List<Member> readMembers(BodyReader r) {
    return readMembers(r, "members");
  }

  /** A list of {@link Member}s; errors name its elements {@code field[i]}. */
  private static List<Member> readMembers(BodyReader r, String field) {
    int n = r.count(field, MIN_MEMBER_BYTES);
    List<Member> members = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      members.add(new Member(r.string(field + "[" + i + "].nodeId"),
          r.string(field + "[" + i + "].host"), r.u16(field + "[" + i + "].port")));
    }
    return List.copyOf(members);
  }
}
