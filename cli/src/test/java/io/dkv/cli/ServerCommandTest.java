package io.dkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.server.MemberAddress;
import io.dkv.server.NodeConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dkv server}'s flags: a new cluster's or a joining node's, never both. */
class ServerCommandTest {
  @TempDir
  Path dir;

  /** {@code dkv server}'s flags for node n4, then {@code more}. */
  private List<String> flags(String... more) {
    List<String> args = new ArrayList<>(List.of("--node-id", "n4", "--listen", "127.0.0.1:7404",
        "--data", dir.toString()));
    args.addAll(List.of(more));
    return args;
  }

  private String[] server(String... more) {
    List<String> args = new ArrayList<>(List.of("server"));
    args.addAll(flags(more));
    return args.toArray(String[]::new);
  }

  @Test
  void joinGivesAConfigWithNoMembersOrVotersAndTheMemberToAsk() {
    ServerCommand command = new ServerCommand();
    new CommandLine(command).parseArgs(flags("--join", "127.0.0.1:7401").toArray(String[]::new));
    NodeConfig config = ServerCommand.fromFlags(command.source.flags);
    assertThat(config.join()).isEqualTo(new MemberAddress.HostPort("127.0.0.1", 7401));
    assertThat(config.members()).isEmpty();
    assertThat(config.voters()).isEmpty();
    assertThat(config.listen()).isEqualTo(new MemberAddress.HostPort("127.0.0.1", 7404));
  }

  @Test
  void joinWithMembersOrVotersIsAUsageErrorNamingBoth() {
    for (String[] flag : new String[][] {{"--members", "n4@127.0.0.1:7404"}, {"--voters", "n1@127.0.0.1:7501"}}) {
      Run run = Run.of(server("--join", "127.0.0.1:7401", flag[0], flag[1]));
      assertThat(run.exitCode()).as(flag[0]).isEqualTo(Main.USAGE);
      assertThat(run.err()).contains("--join", "--members", "--voters", "are mutually exclusive");
    }
  }

  @Test
  void joinWithPartitionsOrReplicationIsAUsageError() {
    Run partitions = Run.of(server("--join", "127.0.0.1:7401", "--partitions", "16"));
    assertThat(partitions.exitCode()).isEqualTo(Main.USAGE);
    assertThat(partitions.err()).contains("--partitions sets a new cluster's partitions or replication;"
        + " a node that joins takes the cluster's");
    Run replication = Run.of(server("--join", "127.0.0.1:7401", "--replication", "2"));
    assertThat(replication.exitCode()).isEqualTo(Main.USAGE);
    assertThat(replication.err()).contains("--replication sets a new cluster's");
  }

  @Test
  void neitherJoinNorMembersIsAUsageErrorSayingWhatIsNeeded() {
    Run run = Run.of(server());
    assertThat(run.exitCode()).isEqualTo(Main.USAGE);
    assertThat(run.err()).contains("needs either members and voters (--members, --voters",
        "or join (--join HOST:PORT");
  }

  @Test
  void aJoinThatIsNotHostPortIsAUsageError() {
    Run run = Run.of(server("--join", "127.0.0.1"));
    assertThat(run.exitCode()).isEqualTo(Main.USAGE);
    assertThat(run.err()).contains("--join '127.0.0.1' is not HOST:PORT");
  }
}
