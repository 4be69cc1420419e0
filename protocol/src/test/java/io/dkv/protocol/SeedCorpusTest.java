package io.dkv.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** The fuzz seeds are real messages, so fuzzing starts from deep inside the decoders. */
class SeedCorpusTest {
  private static final String DIR = "ProtocolFuzzTestInputs/fuzzFrames/";

  @Test
  void frameSeedsDecodeToTheirMessages() throws IOException {
    Frame get = FrameCodec.decode(seed("get_request"));
    assertThat(MessageCodec.decodeRequest(Procedure.GET, get.body()))
        .isEqualTo(new ClientMessage.GetRequest("ns", Bytes.utf8("key"), true, 5));

    Frame cas = FrameCodec.decode(seed("cas_request"));
    assertThat(MessageCodec.decodeRequest(Procedure.COMPARE_AND_SET, cas.body()))
        .isEqualTo(new ClientMessage.WriteRequest("ns", Bytes.utf8("k"),
            new Mutation.CompareAndSet(7, Bytes.utf8("value")), 9));

    Frame map = FrameCodec.decode(seed("partition_map_response"));
    var response = (ClientMessage.PartitionMapResponse)
        MessageCodec.decodeResponse(Procedure.PARTITION_MAP, map.body());
    assertThat(response.members()).extracting(ClientMessage.Member::port)
        .containsExactly(7000, 7001);
    assertThat(response.replicas().get(0)).containsExactly(0, 1);

    Frame prepare = FrameCodec.decode(seed("prepare_one_way"));
    assertThat(prepare.isOneWay()).isTrue();
    assertThat(MessageCodec.decodePeer(Procedure.PREPARE, prepare.body()))
        .isInstanceOf(PeerMessage.Prepare.class);

    Frame vote = FrameCodec.decode(seed("vote_one_way"));
    assertThat(MessageCodec.decodePeer(Procedure.VOTE, vote.body()))
        .isEqualTo(new PeerMessage.Vote("n1", new TxnId("n1", 1, 2), PeerMessage.VoteKind.ABORT,
            PeerMessage.AbortReason.LOCK_CONFLICT, 0));

    Frame status = FrameCodec.decode(seed("cluster_status_response"));
    var cluster = (ClientMessage.ClusterStatusResponse)
        MessageCodec.decodeResponse(Procedure.CLUSTER_STATUS, status.body());
    assertThat(cluster.members()).extracting(ClientMessage.MemberStatus::state)
        .containsExactly(ClientMessage.MemberState.UP, ClientMessage.MemberState.JOINING);
    assertThat(cluster.namespaces()).extracting(ClientMessage.NamespaceInfo::name)
        .containsExactly("default", "ns");

    ClientMessage.NamespaceInfo ns = new ClientMessage.NamespaceInfo("ns",
        ClientMessage.NamespaceMode.STRONG, 3, 3, 1);
    Frame create = FrameCodec.decode(seed("create_namespace_request"));
    assertThat(MessageCodec.decodeRequest(Procedure.CREATE_NAMESPACE, create.body()))
        .isEqualTo(new ClientMessage.CreateNamespaceRequest(ns));
    Frame drop = FrameCodec.decode(seed("drop_namespace_request"));
    assertThat(MessageCodec.decodeRequest(Procedure.DROP_NAMESPACE, drop.body()))
        .isEqualTo(new ClientMessage.DropNamespaceRequest("ns"));

    Frame error = FrameCodec.decode(seed("error_response"));
    assertThat(MessageCodec.decodeError(error.body()))
        .isEqualTo(new ClientMessage.ErrorResponse(ErrorCode.LOCK_CONFLICT, "key is locked"));
  }

  /**
   * ProtocolFuzzTest reads a body seed's first byte as an index into {@code Procedure.values()}
   * ({@link FuzzTarget#selectProcedure}); a new procedure shifts the indexes, and then a seed must
   * be re-pointed or it no longer reaches the decoder it was written for.
   */
  @Test
  void bodySeedsSelectTheProcedureTheyWereWrittenFor() throws IOException {
    assertBodySeed("body_get_request", Procedure.GET, MessageCodec::decodeRequest);
    assertBodySeed("body_prepare", Procedure.PREPARE, MessageCodec::decodePeer);
    assertBodySeed("body_cluster_status_response", Procedure.CLUSTER_STATUS, MessageCodec::decodeResponse);
    assertBodySeed("body_create_namespace_request", Procedure.CREATE_NAMESPACE, MessageCodec::decodeRequest);
    assertBodySeed("body_join_response", Procedure.JOIN, MessageCodec::decodeResponse);
    assertBodySeed("body_move_status_response", Procedure.MOVE_STATUS, MessageCodec::decodeResponse);
  }

  private static void assertBodySeed(String name, Procedure expected,
                                     BiFunction<Procedure, byte[], ?> decoder)
      throws IOException {
    byte[] data = seed(name);
    Procedure selected = FuzzTarget.selectProcedure(data[0]);
    assertThat(selected).as("procedure selected by %s", name).isEqualTo(expected);
    assertThat(decoder.apply(selected, Arrays.copyOfRange(data, 1, data.length))).isNotNull();
  }

  private static byte[] seed(String name) throws IOException {
    try (InputStream in = SeedCorpusTest.class.getResourceAsStream(DIR + name)) {
      assertThat(in).as("seed %s", name).isNotNull();
      return in.readAllBytes();
    }
  }
}
