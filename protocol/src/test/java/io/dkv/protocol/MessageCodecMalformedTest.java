package io.dkv.protocol;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

/** Specific bad bodies get MalformedMessageException with a message saying what is wrong. */
class MessageCodecMalformedTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void hugeByteStringLengthIsRejectedWithoutAllocating() {
    // key length 0xFFFFFFFF (4 GiB) with 0 bytes following.
    assertMalformed(Procedure.GET, "0002" + "6e73" + "ffffffff")
        .hasMessageContaining("field 'key'")
        .hasMessageContaining("length 4294967295 exceeds the 0 bytes remaining");
  }

  @Test
  void hugeListCountIsRejectedWithoutAllocating() {
    String hex = "0000000000000001" + "7fffffff"; // epoch, then 2^31-1 members
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.PARTITION_MAP,
        HEX.parseHex(hex)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'members'")
        .hasMessageContaining("list count 2147483647");
  }

  @Test
  void booleanOtherThanZeroOrOneIsRejected() {
    assertMalformed(Procedure.GET, "0000" + "00000000" + "02" + "0000000000000000")
        .hasMessageContaining("field 'direct'")
        .hasMessageContaining("only 0 (false) and 1 (true)");
  }

  @Test
  void unknownEnumCodeIsRejected() {
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.PUT,
        HEX.parseHex("09" + "0000000000000000")))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'status'")
        .hasMessageContaining("unknown code 9")
        .hasMessageContaining("1 (OK)");
  }

  @Test
  void unknownMemberStateIsRejectedWithTheAllowedCodes() {
    for (String code : List.of("00", "06", "ff")) {
      String hex = "0000000000000001" + "0000" + "00000001" + "00000001" // epoch, leader, Q, RF
          + "00000001" + "0001" + "61" + "0000" + code + "00000000" + "00" // one member
          + "00000000";                                                    // no namespaces
      assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.CLUSTER_STATUS, HEX.parseHex(hex)))
          .isInstanceOf(MalformedMessageException.class)
          .hasMessageContaining("field 'members[0].state' at offset 27")
          .hasMessageContaining("unknown code " + Integer.parseInt(code, 16))
          .hasMessageContaining("1 (JOINING), 2 (UP), 3 (LEAVING), 4 (DOWN), 5 (REMOVED)");
    }
  }

  @Test
  void unknownNamespaceModeIsRejectedWithTheAllowedCodes() {
    String hex = "0002" + "6e73" + "03" + "00000003" + "00000003" + "00000001";
    assertMalformed(Procedure.CREATE_NAMESPACE, hex)
        .hasMessageContaining("field 'namespace.mode' at offset 4")
        .hasMessageContaining("unknown code 3; allowed: 1 (STRONG), 2 (EVENTUAL)");
    String status = "0000000000000001" + "0000" + "00000001" + "00000001" + "00000000"
        + "00000001" + "0001" + "78" + "00" + "00000001" + "00000001" + "00000001";
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.CLUSTER_STATUS, HEX.parseHex(status)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'namespaces[0].mode'")
        .hasMessageContaining("unknown code 0");
  }

  @Test
  void clusterStatusListCountsAreBoundedByTheBytesLeft() {
    String prefix = "0000000000000001" + "0000" + "00000001" + "00000001";
    // Ten bytes is the smallest member: a count of 2 with 19 bytes after it cannot be true.
    String members = prefix + "00000002" + "00".repeat(19);
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.CLUSTER_STATUS, HEX.parseHex(members)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'members'")
        .hasMessageContaining("list count 2 needs at least 20 bytes but only 19 remain");
    String namespaces = prefix + "00000000" + "7fffffff";
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.CLUSTER_STATUS, HEX.parseHex(namespaces)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'namespaces'")
        .hasMessageContaining("list count 2147483647");
  }

  @Test
  void aVoterFlagOtherThanZeroOrOneIsRejected() {
    String hex = "0000000000000001" + "0000" + "00000001" + "00000001"
        + "00000001" + "0000" + "0000" + "02" + "00000000" + "02" + "00000000";
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.CLUSTER_STATUS, HEX.parseHex(hex)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'members[0].voter'");
  }

  @Test
  void directoryChangeResponsesAreExactlyAnEpoch() {
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.DROP_NAMESPACE, HEX.parseHex("00000000")))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'epoch'")
        .hasMessageContaining("truncated");
    assertMalformed(Procedure.DROP_NAMESPACE, "0002" + "6e73" + "00")
        .hasMessageContaining("1 unexpected trailing bytes");
  }

  @Test
  void unknownJoinOutcomeIsRejectedWithTheAllowedCodes() {
    for (String code : List.of("00", "04", "ff")) {
      String hex = code + "0000000000000001" + "0000" + "00000001" + "00000001" + "00000000";
      assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.JOIN, HEX.parseHex(hex)))
          .isInstanceOf(MalformedMessageException.class)
          .hasMessageContaining("field 'outcome' at offset 0")
          .hasMessageContaining("unknown code " + Integer.parseInt(code, 16)
              + "; allowed: 1 (ACCEPTED), 2 (ALREADY_MEMBER), 3 (REFUSED)");
    }
  }

  @Test
  void joinVotersAreBoundedByTheBytesLeftAndNamedInErrors() {
    String prefix = "01" + "0000000000000001" + "0000" + "00000001" + "00000001";
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.JOIN,
        HEX.parseHex(prefix + "7fffffff")))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'voters'")
        .hasMessageContaining("list count 2147483647");
    // One voter whose port is cut short.
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.JOIN,
        HEX.parseHex(prefix + "00000001" + "0001" + "61" + "0001" + "68" + "1d")))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'voters[0].port'");
  }

  @Test
  void joinAndLeaveRequestsAreExactlyTheirStrings() {
    assertMalformed(Procedure.JOIN, "0002" + "6e34").hasMessageContaining("field 'address'");
    assertMalformed(Procedure.LEAVE, "0002" + "6e34" + "00")
        .hasMessageContaining("1 unexpected trailing bytes");
    assertMalformed(Procedure.LEAVE, "").hasMessageContaining("field 'nodeId'");
  }

  @Test
  void aNegativeMoveCountIsRejectedNamingTheField() {
    String member = "0002" + "6e34" + "01" + "00000003" + "00000004" + "ffffffff" + "00000000";
    String tail = "0002" + "6e34" + "0000000000000000" + "0000000000000000";
    String hex = "0000000000000001" + "00000000" + "00000001" + member + tail;
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.MOVE_STATUS, HEX.parseHex(hex)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'members[0].learning' at offset 29")
        .hasMessageContaining("-1 is negative; a count is 0 or more");
    String moves = "0000000000000001" + "80000000" + "00000000" + tail;
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.MOVE_STATUS, HEX.parseHex(moves)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'movesInProgress' at offset 8");
    String keys = "0000000000000001" + "00000000" + "00000000" + "0000" + "ffffffffffffffff"
        + "0000000000000000";
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.MOVE_STATUS, HEX.parseHex(keys)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'keysCopied' at offset 18");
  }

  @Test
  void aRepairAnswerWithANegativeCountOrALyingErrorCountIsRejected() {
    String node = "0002" + "6e32";
    String negative = node + "ffffffff" + "0000000000000000" + "0000000000000000" + "00000000";
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.REPAIR, HEX.parseHex(negative)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'sessions' at offset 4")
        .hasMessageContaining("-1 is negative; a count is 0 or more");
    String lying = node + "00000000" + "0000000000000000" + "0000000000000000" + "00000005" + "0000";
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.REPAIR, HEX.parseHex(lying)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'errors'")
        .hasMessageContaining("list count 5 needs at least 10 bytes but only 2 remain");
    assertMalformed(Procedure.REPAIR, "00").hasMessageContaining("field 'namespace'");
  }

  @Test
  void moveStatusMembersAreBoundedByTheBytesLeftAndTheirStatesChecked() {
    String prefix = "0000000000000001" + "00000000";
    // 19 bytes is the smallest member: a count of 2 with 37 bytes after it cannot be true.
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.MOVE_STATUS,
        HEX.parseHex(prefix + "00000002" + "00".repeat(37))))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'members'")
        .hasMessageContaining("list count 2 needs at least 38 bytes but only 37 remain");
    String badState = prefix + "00000001" + "0000" + "09" + "00".repeat(16) + "0000" + "00".repeat(16);
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.MOVE_STATUS, HEX.parseHex(badState)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'members[0].state' at offset 18")
        .hasMessageContaining("unknown code 9");
    String truncated = prefix + "00000000" + "0000" + "0000000000000000";
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.MOVE_STATUS, HEX.parseHex(truncated)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'partitionsPromoted'");
    assertMalformed(Procedure.MOVE_STATUS, "00").hasMessageContaining("1 unexpected trailing bytes");
  }

  @Test
  void invalidUtf8IsRejected() {
    assertMalformed(Procedure.GET, "0002" + "c328" + "00000000" + "00" + "0000000000000000")
        .hasMessageContaining("field 'namespace'")
        .hasMessageContaining("not valid UTF-8");
  }

  @Test
  void replicaIndexOutsideTheMembersIsRejected() {
    String hex = "0000000000000001" + "00000000" + "00000001" + "00000001" + "00000000";
    assertThatThrownBy(() -> MessageCodec.decodeResponse(Procedure.PARTITION_MAP,
        HEX.parseHex(hex)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("member index 0 is out of range; there are 0 members");
  }

  @Test
  void emptyRequestsMustBeEmpty() {
    assertMalformed(Procedure.STATUS, "00").hasMessageContaining("1 unexpected trailing bytes");
    assertMalformed(Procedure.CLUSTER_STATUS, "00").hasMessageContaining("1 unexpected trailing bytes");
  }

  @Test
  void proceduresAreDecodedOnlyInTheirRole() {
    assertThatThrownBy(() -> MessageCodec.decodeRequest(Procedure.VOTE, new byte[0]))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("one-way peer message")
        .extracting(e -> ((MalformedMessageException) e).code())
        .isEqualTo(ErrorCode.UNKNOWN_PROCEDURE);
    assertThatThrownBy(() -> MessageCodec.decodePeer(Procedure.GET, new byte[0]))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("client request");
  }

  @Test
  void badQuorumLevelsAreRejectedNamingTheField() {
    String get = "0002" + "6e73" + "00000001" + "6b" + "00" + "0000000000000005";
    assertMalformed(Procedure.GET_WITH_QUORUM, get + "04" + "00000000")
        .hasMessageContaining("field 'readQuorum.kind'")
        .hasMessageContaining("unknown code 4; allowed: 1 (COUNT), 2 (QUORUM), 3 (ALL)");
    assertMalformed(Procedure.GET_WITH_QUORUM, get + "02" + "00000001")
        .hasMessageContaining("field 'readQuorum.count'").hasMessageContaining("must be 0 for QUORUM, got 1");
    assertMalformed(Procedure.GET_WITH_QUORUM, get + "01" + "000000")
        .hasMessageContaining("readQuorum.count");
    assertMalformed(Procedure.GET_WITH_QUORUM, get).hasMessageContaining("readQuorum.kind");
    // A DELETE_WITH_QUORUM has no value: read as a delete, the value's bytes shift every later field.
    assertMalformed(Procedure.DELETE_WITH_QUORUM, "0002" + "6e73" + "00000001" + "6b" + "00000001" + "76"
        + "0000000000000000" + "01" + "00000001").hasMessageContaining("writeQuorum.kind");
  }

  @Test
  void quorumMessagesAreNotTwoPhaseCommitMessages() {
    assertThatThrownBy(() -> MessageCodec.decodePeer(Procedure.QUORUM_WRITE, new byte[0]))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("QuorumCodec")
        .extracting(e -> ((MalformedMessageException) e).code()).isEqualTo(ErrorCode.UNKNOWN_PROCEDURE);
    assertThatThrownBy(() -> MessageCodec.decodeBatch(HEX.parseHex("0001" + "0028" + "00000000")))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("id 40 is not a peer message of two-phase commit");
    assertThatThrownBy(() -> MessageCodec.decodeRequest(Procedure.QUORUM_READ, new byte[0]))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("one-way peer message");
    assertThatThrownBy(() -> MessageCodec.decodePeer(Procedure.HINT_ACK, new byte[0]))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("QuorumCodec");
    assertThatThrownBy(() -> MessageCodec.decodeBatch(HEX.parseHex("0001" + "002d" + "00000000")))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("id 45 is not a peer message of two-phase commit");
  }

  @Test
  void aPeerBatchHasTheDocumentedBytes() {
    TxnId txn = new TxnId("c", 1, 2);
    String ack = "0001" + "61" + "0001" + "63" + "0000000000000001" + "0000000000000002";
    String hex = "0002" + "0023" + "00000016" + ack + "0026" + "00000016" + ack;
    List<PeerMessage> batch = List.of(new PeerMessage.Ack("a", txn), new PeerMessage.Forget("a", txn));
    assertThat(HEX.formatHex(MessageCodec.encodeBatch(batch))).isEqualTo(hex);
    assertThat(MessageCodec.decodeBatch(HEX.parseHex(hex))).isEqualTo(batch);
  }

  @Test
  void malformedPeerBatchesAreRejectedWithTheReason() {
    String ack = "0001" + "61" + "0001" + "63" + "0000000000000001" + "0000000000000002";
    assertThatThrownBy(() -> MessageCodec.decodeBatch(HEX.parseHex("0000")))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("a batch holds 1..1024");
    assertThatThrownBy(() -> MessageCodec.decodeBatch(HEX.parseHex("0001" + "0027" + "00000000")))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("id 39 is not a peer message of two-phase commit");
    assertThatThrownBy(() -> MessageCodec.decodeBatch(HEX.parseHex("0001" + "0001" + "00000000")))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("id 1 is not a peer message of two-phase commit");
    assertThatThrownBy(() -> MessageCodec.decodeBatch(HEX.parseHex("0001" + "0023" + "00000016" + ack + "00")))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("unexpected");
    assertThatThrownBy(() -> MessageCodec.decodePeer(Procedure.PEER_BATCH, HEX.parseHex("0001")))
        .isInstanceOf(MalformedMessageException.class).hasMessageContaining("decodeBatch");
    assertThatThrownBy(() -> MessageCodec.encodeBatch(List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void unknownMutationKindInPrepareIsRejected() {
    String hex = "0001" + "61" + "0001" + "61" + "0000000000000000" + "0000000000000001"
        + "0000000000000004" + "00000000" + "0000" + "00000000"
        + "07";
    assertThatThrownBy(() -> MessageCodec.decodePeer(Procedure.PREPARE, HEX.parseHex(hex)))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'mutation.kind'")
        .hasMessageContaining("unknown code 7");
  }

  @Test
  void aPrepareOfSeveralWritesCarriesTwoToMaxWritesAndAVoteNamesOneOfThem() {
    String header = "0001" + "61" + "0001" + "61" + "0000000000000000" + "0000000000000001" + "00000000";
    for (String count : List.of("0000", "0001", "0401")) {
      assertThatThrownBy(() -> MessageCodec.decodePeer(Procedure.PREPARE_WRITES, HEX.parseHex(header + count)))
          .isInstanceOf(MalformedMessageException.class)
          .hasMessageContaining("field 'count'")
          .hasMessageContaining("2..1024");
    }
    String vote = "0001" + "61" + "0001" + "61" + "0000000000000000" + "0000000000000001" + "02" + "01"
        + "0000000000000000";
    assertThatThrownBy(() -> MessageCodec.decodePeer(Procedure.VOTE_ON_WRITE, HEX.parseHex(vote + "0400")))
        .isInstanceOf(MalformedMessageException.class)
        .hasMessageContaining("field 'write'")
        .hasMessageContaining("at most 1024");
    assertThatThrownBy(() -> MessageCodec.decodePeer(Procedure.VOTE_ON_WRITE, HEX.parseHex(vote)))
        .as("a VOTE_ON_WRITE names its write").isInstanceOf(MalformedMessageException.class);
  }

  @Test
  void encodersRejectWhatTheWireCannotCarry() {
    var tooLong = new ClientMessage.GetRequest("x".repeat(70_000), Bytes.EMPTY, false, 0);
    assertThatThrownBy(() -> MessageCodec.encode(tooLong))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("65535");
    var badPort = new ClientMessage.StatusResponse("n", 0, 0, 0, 0, 0,
        java.util.List.of(new ClientMessage.Member("n", "h", 70_000)));
    assertThatThrownBy(() -> MessageCodec.encode(badPort))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(MessageCodec.encode(new ClientMessage.StatusRequest())).isEmpty();
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> assertMalformed(Procedure p,
                                                                                 String hex) {
    return assertThatThrownBy(() -> MessageCodec.decodeRequest(p, HEX.parseHex(hex)))
        .isInstanceOf(MalformedMessageException.class);
  }
}
