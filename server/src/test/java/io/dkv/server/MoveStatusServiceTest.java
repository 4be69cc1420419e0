package io.dkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.core.directory.DirectoryCommand;
import io.dkv.core.directory.DirectoryCommand.MoveRequest;
import io.dkv.core.directory.MovePlanner;
import io.dkv.core.storage.InMemoryStorage;
import io.dkv.protocol.ClientMessage.MemberMoves;
import io.dkv.protocol.ClientMessage.MemberState;
import io.dkv.protocol.ClientMessage.MoveStatusResponse;
import io.dkv.protocol.MalformedMessageException;
import io.dkv.protocol.MessageCodec;
import io.dkv.protocol.Procedure;
import io.dkv.server.directory.FailureDetection;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MOVE_STATUS at the server: a node on a directory that applies the directory's own commands at
 * once answers with the moves of its view, whatever the state of the map.
 */
class MoveStatusServiceTest {
  @TempDir
  Path dir;

  /** n1 alone founds a cluster of Q = 8, RF = 1. */
  private NodeConfig config() {
    var members = MemberAddress.parseList("n1@127.0.0.1:1");
    return new NodeConfig("n1", MemberAddress.parseHostPort("listen", "127.0.0.1:0"), dir, members,
        members, 8, 1, 256, 1024, 5_000, FailureDetection.DEFAULTS);
  }

  private static MoveStatusResponse ask(DirectoryService service) throws Exception {
    byte[] body = service.moveStatus(null, new byte[0]).get(10, TimeUnit.SECONDS);
    return (MoveStatusResponse) MessageCodec.decodeResponse(Procedure.MOVE_STATUS, body);
  }

  @Test
  void theAnswerFollowsAJoinFromItsFirstMovesToTheTarget() throws Exception {
    var fake = new NodeDirectoryTest.FakeDirectory();
    try (NodeDirectory node = NodeDirectory.start(config(), new InMemoryStorage(), fake)) {
      var service = new DirectoryService(node, "n1", () -> new CatchUp.Counters(300, 3));

      MoveStatusResponse settled = ask(service);
      assertThat(settled).isEqualTo(new MoveStatusResponse(1, 0,
          List.of(new MemberMoves("n1", MemberState.UP, 8, 8, 0, 0)), "n1", 300, 3));

      fake.submit(new DirectoryCommand.Join("n2", "127.0.0.1:2"));
      MoveStatusResponse joined = ask(service);
      assertThat(joined.epoch()).isEqualTo(2);
      assertThat(joined.members()).containsExactly(
          new MemberMoves("n1", MemberState.UP, 8, 4, 0, 0),
          new MemberMoves("n2", MemberState.JOINING, 0, 4, 0, 0));

      var moves = (DirectoryCommand.StartMoves) MovePlanner.plan(node.current().state(), n -> 0, 64)
          .get(0);
      fake.submit(moves);
      MoveRequest first = moves.moves().get(0);
      fake.submit(new DirectoryCommand.Promote(first.partition(), "n2", node.current().state().epoch()));
      MoveStatusResponse moving = ask(service);
      assertThat(moving.epoch()).isEqualTo(4);
      assertThat(moving.movesInProgress()).isEqualTo(3);
      assertThat(moving.members()).containsExactly(
          new MemberMoves("n1", MemberState.UP, 7, 4, 0, 1),
          new MemberMoves("n2", MemberState.JOINING, 1, 4, 3, 0));
    }
  }

  @Test
  void aRequestWithABodyIsMalformed() throws Exception {
    try (NodeDirectory node = NodeDirectory.start(config(), new InMemoryStorage(),
        new NodeDirectoryTest.FakeDirectory())) {
      var service = new DirectoryService(node, "n1", () -> new CatchUp.Counters(0, 0));
      assertThatThrownBy(() -> service.moveStatus(null, new byte[] {0}))
          .isInstanceOf(MalformedMessageException.class)
          .hasMessageContaining("1 unexpected trailing bytes");
    }
  }
}
