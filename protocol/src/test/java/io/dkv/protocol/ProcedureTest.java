package io.dkv.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcedureTest {
  @Test
  void idsAreTheDocumentedOnes() {
    Map<Procedure, Integer> ids = new LinkedHashMap<>();
    Arrays.stream(Procedure.values()).forEach(p -> ids.put(p, p.id()));
    assertThat(ids).containsExactly(
        Map.entry(Procedure.GET, 1), Map.entry(Procedure.PUT, 2),
        Map.entry(Procedure.PUT_IF_ABSENT, 3), Map.entry(Procedure.DELETE, 4),
        Map.entry(Procedure.COMPARE_AND_SET, 5), Map.entry(Procedure.PARTITION_MAP, 6),
        Map.entry(Procedure.STATUS, 7), Map.entry(Procedure.CLUSTER_STATUS, 8),
        Map.entry(Procedure.CREATE_NAMESPACE, 9), Map.entry(Procedure.DROP_NAMESPACE, 10),
        Map.entry(Procedure.JOIN, 11), Map.entry(Procedure.LEAVE, 12),
        Map.entry(Procedure.PREPARE, 32),
        Map.entry(Procedure.VOTE, 33), Map.entry(Procedure.DECISION, 34),
        Map.entry(Procedure.ACK, 35), Map.entry(Procedure.STATUS_QUERY, 36),
        Map.entry(Procedure.STATUS_REPLY, 37), Map.entry(Procedure.FORGET, 38),
        Map.entry(Procedure.PEER_BATCH, 39), Map.entry(Procedure.COPY_PARTITION, 13),
        Map.entry(Procedure.MOVE_STATUS, 14), Map.entry(Procedure.GET_WITH_QUORUM, 15),
        Map.entry(Procedure.PUT_WITH_QUORUM, 16), Map.entry(Procedure.DELETE_WITH_QUORUM, 17),
        Map.entry(Procedure.QUORUM_WRITE, 40), Map.entry(Procedure.QUORUM_ACK, 41),
        Map.entry(Procedure.QUORUM_REFUSED, 42), Map.entry(Procedure.QUORUM_READ, 43),
        Map.entry(Procedure.QUORUM_REPLY, 44), Map.entry(Procedure.HINTED_WRITE, 45),
        Map.entry(Procedure.HINT_ACK, 46), Map.entry(Procedure.COPY_EVENTUAL, 19), Map.entry(Procedure.REPAIR, 18),
        Map.entry(Procedure.REPAIR_TREE, 47), Map.entry(Procedure.REPAIR_HASHES, 48),
        Map.entry(Procedure.REPAIR_KEYS, 49), Map.entry(Procedure.REPAIR_WANT, 50),
        Map.entry(Procedure.PURGE_REQUEST, 51), Map.entry(Procedure.PURGE_REPLY, 52),
        Map.entry(Procedure.PREPARE_WRITES, 53), Map.entry(Procedure.VOTE_ON_WRITE, 54));
  }

  @Test
  void lookupByIdFindsEveryProcedureAndNothingElse() {
    for (Procedure p : Procedure.values()) {
      assertThat(Procedure.of(p.id())).contains(p);
    }
    assertThat(Procedure.of(0)).isEmpty();
    assertThat(Procedure.of(30)).isEmpty();
    assertThat(Procedure.of(31)).isEmpty();
    assertThat(Procedure.of(-1)).isEmpty();
    assertThat(Procedure.of(65_535)).isEmpty();
  }

  @Test
  void writesAndPeerMessagesMapToTheirProcedures() {
    Bytes v = Bytes.utf8("v");
    assertThat(Procedure.forWrite(new Mutation.Put(v))).isEqualTo(Procedure.PUT);
    assertThat(Procedure.forWrite(new Mutation.PutIfAbsent(v))).isEqualTo(Procedure.PUT_IF_ABSENT);
    assertThat(Procedure.forWrite(new Mutation.Delete())).isEqualTo(Procedure.DELETE);
    assertThat(Procedure.forWrite(new Mutation.CompareAndSet(1, v)))
        .isEqualTo(Procedure.COMPARE_AND_SET);
    TxnId t = new TxnId("c", 1, 1);
    assertThat(Procedure.of(new PeerMessage.Ack("n", t))).isEqualTo(Procedure.ACK);
    assertThat(Procedure.of(new PeerMessage.Forget("n", t))).isEqualTo(Procedure.FORGET);
    assertThat(Procedure.of(new PeerMessage.StatusQuery("n", t)))
        .isEqualTo(Procedure.STATUS_QUERY);
    assertThat(Procedure.PREPARE.isPeer()).isTrue();
    assertThat(Procedure.GET.isPeer()).isFalse();
    assertThat(Procedure.DELETE.isWrite()).isTrue();
    assertThat(Procedure.GET.isWrite()).isFalse();
    assertThat(Procedure.CREATE_NAMESPACE.isWrite()).as("not a key write").isFalse();
    assertThat(Procedure.CLUSTER_STATUS.isPeer()).isFalse();
    assertThat(Procedure.JOIN.isPeer()).isFalse();
    assertThat(Procedure.LEAVE.isWrite()).as("not a key write").isFalse();
    assertThat(Procedure.MOVE_STATUS.isPeer()).isFalse();
  }
}
