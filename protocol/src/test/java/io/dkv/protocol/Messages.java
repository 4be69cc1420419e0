package io.dkv.protocol;

import io.dkv.protocol.ClientMessage.JoinOutcome;
import io.dkv.protocol.ClientMessage.Member;
import io.dkv.protocol.ClientMessage.MemberState;
import io.dkv.protocol.ClientMessage.MemberMoves;
import io.dkv.protocol.ClientMessage.MemberStatus;
import io.dkv.protocol.ClientMessage.NamespaceInfo;
import io.dkv.protocol.ClientMessage.NamespaceMode;
import io.dkv.protocol.ClientMessage.PartitionMapResponse;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.PeerMessage.AbortReason;
import io.dkv.protocol.PeerMessage.TxnState;
import io.dkv.protocol.PeerMessage.VoteKind;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** jqwik generators for every protocol message, and an equality that sees into arrays. */
final class Messages {
  private Messages() {}

  /** Any valid UTF-16 text (no lone surrogates), including multi-byte UTF-8 characters. */
  static Arbitrary<String> strings() {
    return Arbitraries.strings().withCharRange('\u0000', '\uD7FF').ofMaxLength(12);
  }

  static Arbitrary<Bytes> bytes() {
    return Arbitraries.bytes().array(byte[].class).ofMaxSize(40).map(Bytes::wrap);
  }

  static Arbitrary<Mutation> mutations() {
    return Arbitraries.oneOf(
        bytes().map(Mutation.Put::new),
        bytes().map(Mutation.PutIfAbsent::new),
        Arbitraries.just(new Mutation.Delete()),
        Combinators.combine(Arbitraries.longs(), bytes()).as(Mutation.CompareAndSet::new));
  }

  static Arbitrary<Member> members() {
    return Combinators.combine(strings(), strings(), Arbitraries.integers().between(0, 0xFFFF))
        .as(Member::new);
  }

  static Arbitrary<MemberStatus> memberStatuses() {
    return Combinators.combine(strings(), strings(), Arbitraries.of(MemberState.class),
            Arbitraries.integers(), Arbitraries.of(true, false))
        .as(MemberStatus::new);
  }

  /** Counts of 0 or more: the codec refuses negative ones. */
  static Arbitrary<MemberMoves> memberMoves() {
    Arbitrary<Integer> count = Arbitraries.integers().greaterOrEqual(0);
    return Combinators.combine(strings(), Arbitraries.of(MemberState.class), count, count, count, count)
        .as(MemberMoves::new);
  }

  /** Any counts, negative ones too: the codec carries them and the server judges them. */
  static Arbitrary<NamespaceInfo> namespaces() {
    return Combinators.combine(strings(), Arbitraries.of(NamespaceMode.class), Arbitraries.integers(),
            Arbitraries.integers(), Arbitraries.integers())
        .as(NamespaceInfo::new);
  }

  static Arbitrary<ClientMessage> requests() {
    return Arbitraries.oneOf(
        Combinators.combine(strings(), bytes(), Arbitraries.of(true, false), Arbitraries.longs())
            .as(ClientMessage.GetRequest::new),
        Combinators.combine(strings(), bytes(), mutations(), Arbitraries.longs())
            .as(ClientMessage.WriteRequest::new),
        Arbitraries.just(new ClientMessage.PartitionMapRequest()),
        Arbitraries.just(new ClientMessage.StatusRequest()),
        Arbitraries.just(new ClientMessage.ClusterStatusRequest()),
        namespaces().map(ClientMessage.CreateNamespaceRequest::new),
        strings().map(ClientMessage.DropNamespaceRequest::new),
        Combinators.combine(Arbitraries.longs().greaterOrEqual(0),
                Arbitraries.integers().greaterOrEqual(0).list().ofMaxSize(5), bytes(),
                Arbitraries.integers().between(1, 65_536))
            .as(ClientMessage.CopyRequest::new),
        Combinators.combine(strings(), strings()).as(ClientMessage.JoinRequest::new),
        strings().map(ClientMessage.LeaveRequest::new),
        Arbitraries.just(new ClientMessage.MoveStatusRequest()),
        strings().map(ClientMessage.RepairRequest::new),
        Combinators.combine(strings(), bytes(), Arbitraries.of(true, false), Arbitraries.longs(), quorumLevels())
            .as((ns, key, direct, epoch, level) -> new ClientMessage.QuorumGetRequest(
                new ClientMessage.GetRequest(ns, key, direct, epoch), level)),
        Combinators.combine(strings(), bytes(), Arbitraries.of(true, false), bytes(), Arbitraries.longs(),
                quorumLevels())
            .as((ns, key, put, value, epoch, level) -> new ClientMessage.QuorumWriteRequest(
                new ClientMessage.WriteRequest(ns, key, put ? new Mutation.Put(value) : new Mutation.Delete(),
                    epoch), level)));
  }

  static Arbitrary<QuorumLevel> quorumLevels() {
    return Arbitraries.oneOf(Arbitraries.integers().map(QuorumLevel::of),
        Arbitraries.of(QuorumLevel.QUORUM, QuorumLevel.ALL));
  }

  static Arbitrary<ClientMessage> responses() {
    return Arbitraries.oneOf(
        Combinators.combine(Arbitraries.of(true, false), Arbitraries.longs(), bytes())
            .as(ClientMessage.GetResponse::new),
        Combinators.combine(Arbitraries.of(WriteStatus.class), Arbitraries.longs())
            .as(ClientMessage.WriteResponse::new),
        partitionMaps(),
        Combinators.combine(strings(), Arbitraries.longs(), Arbitraries.longs(),
                Arbitraries.integers(), Arbitraries.integers(), Arbitraries.integers(),
                members().list().ofMaxSize(4))
            .as(ClientMessage.StatusResponse::new),
        Combinators.combine(Arbitraries.longs(), strings(), Arbitraries.integers(),
                Arbitraries.integers(), memberStatuses().list().ofMaxSize(4),
                namespaces().list().ofMaxSize(3))
            .as(ClientMessage.ClusterStatusResponse::new),
        Arbitraries.longs().map(ClientMessage.DirectoryChangeResponse::new),
        Combinators.combine(Arbitraries.of(true, false), bytes(),
                Combinators.combine(bytes(), bytes()).as(ClientMessage.CopiedKey::new).list().ofMaxSize(4),
                Combinators.combine(bytes(), bytes()).as(ClientMessage.CopiedKey::new).list().ofMaxSize(2))
            .as(ClientMessage.CopyResponse::new),
        Combinators.combine(Arbitraries.of(JoinOutcome.class), Arbitraries.longs(), strings(),
                Arbitraries.integers(), Arbitraries.integers(), members().list().ofMaxSize(5))
            .as(ClientMessage.JoinResponse::new),
        Combinators.combine(Arbitraries.longs(), Arbitraries.integers().greaterOrEqual(0),
                memberMoves().list().ofMaxSize(4), strings(), Arbitraries.longs().greaterOrEqual(0),
                Arbitraries.longs().greaterOrEqual(0))
            .as(ClientMessage.MoveStatusResponse::new),
        Combinators.combine(strings(), Arbitraries.integers().greaterOrEqual(0), Arbitraries.longs().greaterOrEqual(0),
                Arbitraries.longs().greaterOrEqual(0), strings().list().ofMaxSize(3))
            .as(ClientMessage.RepairResponse::new));
  }

  static Arbitrary<ClientMessage> partitionMaps() {
    return members().list().ofMaxSize(5).flatMap(ms -> {
      Arbitrary<List<int[]>> replicas = ms.isEmpty()
          ? Arbitraries.just(List.of())
          : Arbitraries.integers().between(0, ms.size() - 1).array(int[].class).ofMaxSize(4)
              .list().ofMaxSize(6);
      return Combinators.combine(Arbitraries.longs(), replicas)
          .as((epoch, sets) -> new PartitionMapResponse(epoch, ms, sets));
    });
  }

  static Arbitrary<TxnId> txnIds() {
    return Combinators.combine(strings(), Arbitraries.longs(), Arbitraries.longs())
        .as(TxnId::new);
  }

  static Arbitrary<PeerMessage> peerMessages() {
    Arbitrary<String> from = strings();
    return Arbitraries.oneOf(
        Combinators.combine(from, txnIds(), strings().list().ofMaxSize(5),
                Combinators.combine(Arbitraries.longs(), strings(), bytes(), mutations(), Arbitraries.longs())
                    .as(PeerMessage.Prepare.Write::new).list().ofMinSize(1).ofMaxSize(4))
            .as(PeerMessage.Prepare::new),
        Combinators.combine(from, txnIds(), Arbitraries.of(VoteKind.class),
                Arbitraries.of(AbortReason.class), Arbitraries.longs(),
                Arbitraries.oneOf(Arbitraries.just(PeerMessage.Vote.WHOLE), Arbitraries.integers().between(0, 1023)))
            .as(PeerMessage.Vote::new),
        Combinators.combine(from, txnIds(), Arbitraries.of(true, false), Arbitraries.longs())
            .as(PeerMessage.Decision::new),
        Combinators.combine(from, txnIds()).as(PeerMessage.Ack::new),
        Combinators.combine(from, txnIds()).as(PeerMessage.StatusQuery::new),
        Combinators.combine(from, txnIds(), Arbitraries.of(TxnState.class), Arbitraries.longs())
            .as(PeerMessage.StatusReply::new),
        Combinators.combine(from, txnIds()).as(PeerMessage.Forget::new));
  }

  /** The procedure that carries a client message (a request or its response). */
  static Procedure procedureOf(ClientMessage m) {
    return switch (m) {
      case ClientMessage.GetRequest g -> Procedure.GET;
      case ClientMessage.GetResponse g -> Procedure.GET;
      case ClientMessage.QuorumGetRequest q -> Procedure.GET_WITH_QUORUM;
      case ClientMessage.QuorumWriteRequest q -> Procedure.forQuorumWrite(q.write().mutation());
      case ClientMessage.WriteRequest w -> Procedure.forWrite(w.mutation());
      case ClientMessage.WriteResponse w -> Procedure.PUT;
      case ClientMessage.PartitionMapRequest p -> Procedure.PARTITION_MAP;
      case ClientMessage.PartitionMapResponse p -> Procedure.PARTITION_MAP;
      case ClientMessage.StatusRequest s -> Procedure.STATUS;
      case ClientMessage.StatusResponse s -> Procedure.STATUS;
      case ClientMessage.ClusterStatusRequest c -> Procedure.CLUSTER_STATUS;
      case ClientMessage.ClusterStatusResponse c -> Procedure.CLUSTER_STATUS;
      case ClientMessage.CreateNamespaceRequest c -> Procedure.CREATE_NAMESPACE;
      case ClientMessage.DropNamespaceRequest d -> Procedure.DROP_NAMESPACE;
      // The directory changes answer with it; DROP_NAMESPACE and LEAVE decode it the same way.
      case ClientMessage.DirectoryChangeResponse d -> Procedure.CREATE_NAMESPACE;
      case ClientMessage.CopyRequest c -> Procedure.COPY_PARTITION;
      case ClientMessage.CopyResponse c -> Procedure.COPY_PARTITION;
      case ClientMessage.JoinRequest j -> Procedure.JOIN;
      case ClientMessage.JoinResponse j -> Procedure.JOIN;
      case ClientMessage.LeaveRequest l -> Procedure.LEAVE;
      case ClientMessage.MoveStatusRequest r -> Procedure.MOVE_STATUS;
      case ClientMessage.MoveStatusResponse r -> Procedure.MOVE_STATUS;
      case ClientMessage.RepairRequest r -> Procedure.REPAIR;
      case ClientMessage.RepairResponse r -> Procedure.REPAIR;
      case ClientMessage.ErrorResponse e -> throw new IllegalArgumentException("error body");
    };
  }

  /** Records compare arrays by reference; this compares the partition map's arrays by content. */
  static Object comparable(Object m) {
    if (m instanceof PartitionMapResponse p) {
      return List.of(p.epoch(), p.members(), p.replicas().stream().map(Arrays::toString).toList());
    }
    return m;
  }
}
