package io.dkv.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
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

    Frame error = FrameCodec.decode(seed("error_response"));
    assertThat(MessageCodec.decodeError(error.body()))
        .isEqualTo(new ClientMessage.ErrorResponse(ErrorCode.LOCK_CONFLICT, "key is locked"));
  }

  private static byte[] seed(String name) throws IOException {
    try (InputStream in = SeedCorpusTest.class.getResourceAsStream(DIR + name)) {
      assertThat(in).as("seed %s", name).isNotNull();
      return in.readAllBytes();
    }
  }
}
