package io.dkv.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.protocol.ClientMessage.ClusterStatusRequest;
import io.dkv.protocol.ClientMessage.ClusterStatusResponse;
import io.dkv.protocol.ClientMessage.CreateNamespaceRequest;
import io.dkv.protocol.ClientMessage.DirectoryChangeResponse;
import io.dkv.protocol.ClientMessage.CopiedKey;
import io.dkv.protocol.ClientMessage.CopyRequest;
import io.dkv.protocol.ClientMessage.CopyResponse;
import io.dkv.protocol.ClientMessage.DropNamespaceRequest;
import io.dkv.protocol.ClientMessage.ErrorResponse;
import io.dkv.protocol.ClientMessage.GetRequest;
import io.dkv.protocol.ClientMessage.JoinOutcome;
import io.dkv.protocol.ClientMessage.JoinRequest;
import io.dkv.protocol.ClientMessage.JoinResponse;
import io.dkv.protocol.ClientMessage.LeaveRequest;
import io.dkv.protocol.ClientMessage.Member;
import io.dkv.protocol.ClientMessage.MemberState;
import io.dkv.protocol.ClientMessage.MemberMoves;
import io.dkv.protocol.ClientMessage.MemberStatus;
import io.dkv.protocol.ClientMessage.MoveStatusRequest;
import io.dkv.protocol.ClientMessage.MoveStatusResponse;
import io.dkv.protocol.ClientMessage.RepairRequest;
import io.dkv.protocol.ClientMessage.RepairResponse;
import io.dkv.protocol.ClientMessage.NamespaceInfo;
import io.dkv.protocol.ClientMessage.NamespaceMode;
import io.dkv.protocol.ClientMessage.PartitionMapResponse;
import io.dkv.protocol.ClientMessage.WriteRequest;
import io.dkv.protocol.ClientMessage.WriteResponse;
import io.dkv.protocol.ClientMessage.WriteStatus;
import io.dkv.protocol.PeerMessage.AbortReason;
import io.dkv.protocol.PeerMessage.Prepare;
import io.dkv.protocol.PeerMessage.Vote;
import io.dkv.protocol.PeerMessage.VoteKind;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Hand-written bytes for a few bodies, matching docs/protocol.md. If one of these fails, the wire
 * format changed: that breaks every deployed node, so it needs a version bump, not a test edit.
 */
class MessageCodecGoldenTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void getRequest() {
    var m = new GetRequest("ns", Bytes.utf8("k"), true, 5);
    String hex = "0002" + "6e73" // namespace "ns"
        + "00000001" + "6b"        // key "k"
        + "01"                     // direct
        + "0000000000000005";      // epoch
    check(hex, m, MessageCodec.decodeRequest(Procedure.GET, HEX.parseHex(hex)));
  }

  @Test
  void requestsWithTheirOwnQuorum() {
    var get = new ClientMessage.QuorumGetRequest(new GetRequest("ns", Bytes.utf8("k"), false, 5), QuorumLevel.of(2));
    String getHex = "0002" + "6e73" + "00000001" + "6b" + "00" + "0000000000000005" // as GET
        + "01" + "00000002";                                                      // COUNT 2
    check(getHex, get, MessageCodec.decodeRequest(Procedure.GET_WITH_QUORUM, HEX.parseHex(getHex)));
    var put = new ClientMessage.QuorumWriteRequest(
        new WriteRequest("ns", Bytes.utf8("k"), new Mutation.Put(Bytes.utf8("v")), 0), QuorumLevel.ALL);
    String putHex = "0002" + "6e73" + "00000001" + "6b" + "00000001" + "76" + "0000000000000000" // as PUT
        + "03" + "00000000";                                                                   // ALL
    check(putHex, put, MessageCodec.decodeRequest(Procedure.PUT_WITH_QUORUM, HEX.parseHex(putHex)));
    var delete = new ClientMessage.QuorumWriteRequest(
        new WriteRequest("ns", Bytes.utf8("k"), new Mutation.Delete(), 0), QuorumLevel.QUORUM);
    String deleteHex = "0002" + "6e73" + "00000001" + "6b" + "0000000000000000" + "02" + "00000000";
    check(deleteHex, delete, MessageCodec.decodeRequest(Procedure.DELETE_WITH_QUORUM, HEX.parseHex(deleteHex)));
    assertThat(MessageCodec.decodeResponse(Procedure.GET_WITH_QUORUM, HEX.parseHex("01" + "0000000000000007"
        + "00000001" + "76"))).isEqualTo(new ClientMessage.GetResponse(true, 7, Bytes.utf8("v")));
  }

  @Test
  void compareAndSetRequest() {
    var m = new WriteRequest("ns", Bytes.utf8("k"), new Mutation.CompareAndSet(7, Bytes.utf8("v")),
        9);
    String hex = "0002" + "6e73" + "00000001" + "6b"
        + "0000000000000007"       // expectedVersion
        + "00000001" + "76"        // value "v"
        + "0000000000000009";      // epoch
    check(hex, m, MessageCodec.decodeRequest(Procedure.COMPARE_AND_SET, HEX.parseHex(hex)));
  }

  @Test
  void deleteRequestHasNoMutationFields() {
    var m = new WriteRequest("", Bytes.EMPTY, new Mutation.Delete(), -1);
    String hex = "0000" + "00000000" + "ffffffffffffffff";
    check(hex, m, MessageCodec.decodeRequest(Procedure.DELETE, HEX.parseHex(hex)));
  }

  @Test
  void writeResponse() {
    var m = new WriteResponse(WriteStatus.CONDITION_FAILED, 3);
    String hex = "02" + "0000000000000003";
    check(hex, m, MessageCodec.decodeResponse(Procedure.PUT_IF_ABSENT, HEX.parseHex(hex)));
  }

  @Test
  void partitionMapResponse() {
    var m = new PartitionMapResponse(1, List.of(new Member("a", "h", 80)),
        List.of(new int[] {0}));
    String hex = "0000000000000001"        // epoch
        + "00000001"                       // one member
        + "0001" + "61" + "0001" + "68" + "0050"
        + "00000001"                       // one replica set
        + "00000001" + "00000000";         // of one member: index 0
    byte[] bytes = HEX.parseHex(hex);
    assertThat(HEX.formatHex(MessageCodec.encode(m))).isEqualTo(hex);
    assertThat(Messages.comparable(MessageCodec.decodeResponse(Procedure.PARTITION_MAP, bytes)))
        .isEqualTo(Messages.comparable(m));
  }

  @Test
  void clusterStatusRequestIsEmpty() {
    check("", new ClusterStatusRequest(), MessageCodec.decodeRequest(Procedure.CLUSTER_STATUS, new byte[0]));
  }

  @Test
  void clusterStatusResponse() {
    var m = new ClusterStatusResponse(7, "n1", 8, 3,
        List.of(new MemberStatus("n1", "h:1", MemberState.UP, 6, true),
            new MemberStatus("n2", "h:2", MemberState.LEAVING, 0, false)),
        List.of(new NamespaceInfo("default", NamespaceMode.STRONG, 3, 3, 1)));
    String hex = "0000000000000007"        // epoch
        + "0002" + "6e31"                  // leader "n1"
        + "00000008" + "00000003"          // partitionCount, replicationFactor
        + "00000002"                       // two members
        + "0002" + "6e31" + "0003" + "683a31" + "02" + "00000006" + "01" // n1 h:1 UP 6 voter
        + "0002" + "6e32" + "0003" + "683a32" + "03" + "00000000" + "00" // n2 h:2 LEAVING 0
        + "00000001"                       // one namespace
        + "0007" + "64656661756c74" + "01" // "default", STRONG
        + "00000003" + "00000003" + "00000001"; // n, w, r
    check(hex, m, MessageCodec.decodeResponse(Procedure.CLUSTER_STATUS, HEX.parseHex(hex)));
  }

  @Test
  void createNamespaceRequest() {
    var strong = new CreateNamespaceRequest(new NamespaceInfo("ns", NamespaceMode.STRONG, 3, 3, 1));
    String hex = "0002" + "6e73" + "01" + "00000003" + "00000003" + "00000001"; // docs/protocol.md
    check(hex, strong, MessageCodec.decodeRequest(Procedure.CREATE_NAMESPACE, HEX.parseHex(hex)));
    var eventual = new CreateNamespaceRequest(new NamespaceInfo("e", NamespaceMode.EVENTUAL, 3, 2, 2));
    String eventualHex = "0001" + "65" + "02" + "00000003" + "00000002" + "00000002";
    check(eventualHex, eventual,
        MessageCodec.decodeRequest(Procedure.CREATE_NAMESPACE, HEX.parseHex(eventualHex)));
  }

  @Test
  void dropNamespaceRequest() {
    String hex = "0002" + "6e73";
    check(hex, new DropNamespaceRequest("ns"),
        MessageCodec.decodeRequest(Procedure.DROP_NAMESPACE, HEX.parseHex(hex)));
  }

  @Test
  void copyPartitionRequestAndResponse() {
    String hex = "0000000000000007" + "00000002" + "00000001" + "00000005" + "00000001" + "61"
        + "00000100"; // docs/protocol.md
    check(hex, new CopyRequest(7, List.of(1, 5), Bytes.utf8("a"), 256),
        MessageCodec.decodeRequest(Procedure.COPY_PARTITION, HEX.parseHex(hex)));
    String page = "00" + "00000001" + "62" + "00000001" + "00000001" + "62" + "00000002" + "0001"
        + "00000001" + "00000001" + "52" + "00000001" + "07";
    check(page, new CopyResponse(false, Bytes.utf8("b"),
            List.of(new CopiedKey(Bytes.utf8("b"), Bytes.wrap(new byte[] {0, 1}))),
            List.of(new CopiedKey(Bytes.utf8("R"), Bytes.wrap(new byte[] {7})))),
        MessageCodec.decodeResponse(Procedure.COPY_PARTITION, HEX.parseHex(page)));
    // COPY_EVENTUAL's bodies are COPY_PARTITION's.
    assertThat(MessageCodec.decodeRequest(Procedure.COPY_EVENTUAL, HEX.parseHex(hex)))
        .isEqualTo(MessageCodec.decodeRequest(Procedure.COPY_PARTITION, HEX.parseHex(hex)));
    assertThat(MessageCodec.decodeResponse(Procedure.COPY_EVENTUAL, HEX.parseHex(page)))
        .isEqualTo(MessageCodec.decodeResponse(Procedure.COPY_PARTITION, HEX.parseHex(page)));
  }

  @Test
  void bothDirectoryChangesAnswerWithTheEpoch() {
    String hex = "000000000000002a";
    var m = new DirectoryChangeResponse(42);
    check(hex, m, MessageCodec.decodeResponse(Procedure.CREATE_NAMESPACE, HEX.parseHex(hex)));
    check(hex, m, MessageCodec.decodeResponse(Procedure.DROP_NAMESPACE, HEX.parseHex(hex)));
  }

  @Test
  void joinRequest() {
    var m = new JoinRequest("n4", "h:4");
    String hex = "0002" + "6e34"             // nodeId "n4"
        + "0003" + "683a34";                 // address "h:4"
    check(hex, m, MessageCodec.decodeRequest(Procedure.JOIN, HEX.parseHex(hex)));
  }

  @Test
  void joinResponseCarriesTheVotersWhateverTheOutcome() {
    var accepted = new JoinResponse(JoinOutcome.ACCEPTED, 5, "", 16, 3,
        List.of(new Member("n1", "h", 7501)));
    String hex = "01"                        // ACCEPTED
        + "0000000000000005"                 // epoch
        + "0000"                             // reason ""
        + "00000010" + "00000003"            // partitionCount, replicationFactor
        + "00000001" + "0002" + "6e31" + "0001" + "68" + "1d4d"; // voter n1 at h:7501
    check(hex, accepted, MessageCodec.decodeResponse(Procedure.JOIN, HEX.parseHex(hex)));
    var refused = new JoinResponse(JoinOutcome.REFUSED, 6, "no", 16, 3, List.of());
    String refusedHex = "03" + "0000000000000006" + "0002" + "6e6f" + "00000010" + "00000003"
        + "00000000";
    check(refusedHex, refused, MessageCodec.decodeResponse(Procedure.JOIN, HEX.parseHex(refusedHex)));
    var already = new JoinResponse(JoinOutcome.ALREADY_MEMBER, 0, "", 1, 1, List.of());
    assertThat(HEX.formatHex(MessageCodec.encode(already))).startsWith("02");
  }

  @Test
  void leaveRequestAndItsAnswer() {
    String hex = "0002" + "6e34";
    check(hex, new LeaveRequest("n4"), MessageCodec.decodeRequest(Procedure.LEAVE, HEX.parseHex(hex)));
    String epoch = "0000000000000009";
    check(epoch, new DirectoryChangeResponse(9),
        MessageCodec.decodeResponse(Procedure.LEAVE, HEX.parseHex(epoch)));
  }

  @Test
  void moveStatusRequestIsEmptyAndItsAnswerHasTheDocumentedBytes() {
    check("", new MoveStatusRequest(), MessageCodec.decodeRequest(Procedure.MOVE_STATUS, new byte[0]));
    var m = new MoveStatusResponse(40, 2,
        List.of(new MemberMoves("n3", MemberState.LEAVING, 1, 0, 0, 1),
            new MemberMoves("n4", MemberState.JOINING, 3, 4, 2, 0)),
        "n4", 300, 3);
    String hex = "0000000000000028"        // epoch 40
        + "00000002"                       // two moves in progress
        + "00000002"                       // two members
        + "0002" + "6e33" + "03" + "00000001" + "00000000" + "00000000" + "00000001" // n3 LEAVING
        + "0002" + "6e34" + "01" + "00000003" + "00000004" + "00000002" + "00000000" // n4 JOINING
        + "0002" + "6e34"                  // answered by n4
        + "000000000000012c"               // 300 keys copied
        + "0000000000000003";              // 3 partitions promoted
    check(hex, m, MessageCodec.decodeResponse(Procedure.MOVE_STATUS, HEX.parseHex(hex)));
  }

  @Test
  void repairRequestNamesOneNamespaceOrNoneAndItsAnswerHasTheDocumentedBytes() {
    String one = "0004" + "6c6f6773";      // "logs"
    check(one, new RepairRequest("logs"), MessageCodec.decodeRequest(Procedure.REPAIR, HEX.parseHex(one)));
    check("0000", new RepairRequest(""), MessageCodec.decodeRequest(Procedure.REPAIR, HEX.parseHex("0000")));
    var m = new RepairResponse("n2", 6, 3, 4, List.of("x"));
    String hex = "0002" + "6e32"           // answered by n2
        + "00000006"                       // 6 sessions completed
        + "0000000000000003"               // 3 keys differed
        + "0000000000000004"               // 4 values shipped
        + "00000001" + "0001" + "78";      // one error: "x"
    check(hex, m, MessageCodec.decodeResponse(Procedure.REPAIR, HEX.parseHex(hex)));
  }

  @Test
  void vote() {
    var m = new Vote("n1", new TxnId("c", 1, 2), VoteKind.ABORT, AbortReason.LOCK_CONFLICT, 0);
    String hex = "0002" + "6e31"           // from "n1"
        + "0001" + "63" + "0000000000000001" + "0000000000000002" // txn c/1/2
        + "02" + "01"                      // ABORT, LOCK_CONFLICT
        + "0000000000000000";              // version
    check(hex, m, MessageCodec.decodePeer(Procedure.VOTE, HEX.parseHex(hex)));
  }

  @Test
  void prepare() {
    var m = new Prepare("a", new TxnId("a", 0, 1), 4, List.of("a", "b"), "ns", Bytes.utf8("k"),
        new Mutation.Put(Bytes.utf8("v")), 99);
    String hex = "0001" + "61" + "0001" + "61" + "0000000000000000" + "0000000000000001"
        + "0000000000000004"               // epoch
        + "00000002" + "0001" + "61" + "0001" + "62" // participants a, b
        + "0002" + "6e73" + "00000001" + "6b"
        + "01" + "00000001" + "76"         // mutation PUT "v"
        + "0000000000000063";              // requestId
    check(hex, m, MessageCodec.decodePeer(Procedure.PREPARE, HEX.parseHex(hex)));
  }

  @Test
  void prepareOfSeveralWrites() {
    var m = new Prepare("a", new TxnId("a", 0, 1), List.of("a", "b"), List.of(
        new Prepare.Write(4, "ns", Bytes.utf8("k"), new Mutation.Put(Bytes.utf8("v")), 99),
        new Prepare.Write(5, "ns", Bytes.utf8("j"), new Mutation.Delete(), 100)));
    String hex = "0001" + "61" + "0001" + "61" + "0000000000000000" + "0000000000000001"
        + "00000002" + "0001" + "61" + "0001" + "62" // participants a, b
        + "0002"                           // two writes
        + "0000000000000004" + "0002" + "6e73" + "00000001" + "6b" // epoch 4, ns, "k"
        + "01" + "00000001" + "76"         // mutation PUT "v"
        + "0000000000000063"               // requestId 99
        + "0000000000000005" + "0002" + "6e73" + "00000001" + "6a" // epoch 5, ns, "j"
        + "03"                             // mutation DELETE
        + "0000000000000064";              // requestId 100
    assertThat(Procedure.of(m)).isEqualTo(Procedure.PREPARE_WRITES);
    check(hex, m, MessageCodec.decodePeer(Procedure.PREPARE_WRITES, HEX.parseHex(hex)));
  }

  @Test
  void voteOnWrite() {
    var m = new Vote("n1", new TxnId("c", 1, 2), VoteKind.ABORT, AbortReason.LOCK_CONFLICT, 0, 3);
    String hex = "0002" + "6e31"           // from "n1"
        + "0001" + "63" + "0000000000000001" + "0000000000000002" // txn c/1/2
        + "02" + "01"                      // ABORT, LOCK_CONFLICT
        + "0000000000000000"               // version
        + "0003";                          // the fourth write
    assertThat(Procedure.of(m)).isEqualTo(Procedure.VOTE_ON_WRITE);
    check(hex, m, MessageCodec.decodePeer(Procedure.VOTE_ON_WRITE, HEX.parseHex(hex)));
  }

  @Test
  void errorBody() {
    String hex = "0006" + "0004" + "62757379";
    assertThat(HEX.formatHex(MessageCodec.encodeError(ErrorCode.LOCK_CONFLICT, "busy")))
        .isEqualTo(hex);
    assertThat(MessageCodec.decodeError(HEX.parseHex(hex)))
        .isEqualTo(new ErrorResponse(ErrorCode.LOCK_CONFLICT, "busy"));
  }

  @Test
  void nullErrorMessageIsSentAsEmpty() {
    assertThat(HEX.formatHex(MessageCodec.encodeError(ErrorCode.BUSY, null))).isEqualTo("000b0000");
  }

  @Test
  void unknownErrorCodeBecomesInternalAndKeepsTheNumber() {
    ErrorResponse e = MessageCodec.decodeError(HEX.parseHex("0063" + "0001" + "78"));
    assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(e.message()).isEqualTo("(unknown error code 99) x");
  }

  @Test
  void overlongErrorMessageIsCutToFit() {
    String message = "é".repeat(40_000); // 80,000 UTF-8 bytes
    ErrorResponse e = MessageCodec.decodeError(MessageCodec.encodeError(ErrorCode.INTERNAL,
        message));
    assertThat(e.message()).hasSize(32_767); // 65,534 bytes: the last 2-byte char would not fit
  }

  private static void check(String hex, Object message, Object decoded) {
    byte[] encoded = message instanceof ClientMessage c ? MessageCodec.encode(c)
        : MessageCodec.encode((PeerMessage) message);
    assertThat(HEX.formatHex(encoded)).isEqualTo(hex);
    assertThat(decoded).isEqualTo(message);
  }
}
