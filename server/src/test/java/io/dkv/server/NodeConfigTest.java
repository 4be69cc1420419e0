package io.dkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.server.directory.FailureDetection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {
  @TempDir
  Path dir;

  @Test
  void loadsAPropertiesFileWithDefaults() throws Exception {
    Path file = dir.resolve("n1.properties");
    Files.writeString(file, """
        node-id = n1
        listen = 127.0.0.1:7401
        data = n1-data
        members = n1@127.0.0.1:7401,n2@127.0.0.1:7402
        voters = n1@127.0.0.1:7501
        partitions = 64
        """);
    NodeConfig c = NodeConfig.load(file);
    assertThat(c.nodeId()).isEqualTo("n1");
    assertThat(c.listen().port()).isEqualTo(7401);
    assertThat(c.dataDir()).isEqualTo(dir.resolve("n1-data"));
    assertThat(c.members()).extracting(MemberAddress::nodeId).containsExactly("n1", "n2");
    assertThat(c.voters()).containsExactly(new MemberAddress("n1", "127.0.0.1", 7501));
    assertThat(c.partitionCount()).isEqualTo(64);
    assertThat(c.replicationFactor()).isEqualTo(NodeConfig.DEFAULT_REPLICATION);
    assertThat(c.maxKeyBytes()).isEqualTo(256);
  }

  @Test
  void repairIntervalAndTombstoneGraceAreReadAndTheGraceMustOutlastTheRequestWindow() throws Exception {
    String base = "node-id=n1\nlisten=127.0.0.1:7401\ndata=d\nmembers=n1@127.0.0.1:7401\nvoters=n1@127.0.0.1:7501\n";
    Path defaults = dir.resolve("defaults.properties");
    Files.writeString(defaults, base);
    NodeConfig d = NodeConfig.load(defaults);
    assertThat(d.repairIntervalMillis()).isEqualTo(600_000);
    assertThat(d.tombstoneGraceMillis()).isEqualTo(3_600_000);
    Path set = dir.resolve("set.properties");
    Files.writeString(set, base + "repair-interval-ms=30000\ntombstone-grace-ms=86400000\n");
    NodeConfig c = NodeConfig.load(set);
    assertThat(c.repairIntervalMillis()).isEqualTo(30_000);
    assertThat(c.tombstoneGraceMillis()).isEqualTo(86_400_000);
    Path shortGrace = dir.resolve("short.properties");
    Files.writeString(shortGrace, base + "tombstone-grace-ms=1810000\n");
    assertThatThrownBy(() -> NodeConfig.load(shortGrace)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("tombstone-grace-ms = 1810000 is outside the allowed range 1810001..2592000000");
  }

  @Test
  void unknownSettingIsAnErrorNotASilentDefault() throws Exception {
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "node-id=n1\nlisten=127.0.0.1:1\ndata=d\nmembers=n1@127.0.0.1:1\nvoters=n1@127.0.0.1:2\npartitons=8\n");
    assertThatThrownBy(() -> NodeConfig.load(file))
        .isInstanceOf(ConfigException.class).hasMessageContaining("partitons").hasMessageContaining("allowed");
  }

  @Test
  void badValuesNameTheSettingAndTheAllowedRange() {
    var members = MemberAddress.parseList("n1@127.0.0.1:7401");
    var voters = MemberAddress.parseList("voter list", "n1@127.0.0.1:7501");
    var listen = MemberAddress.parseHostPort("--listen", "127.0.0.1:7401");
    assertThatThrownBy(() -> new NodeConfig("n1", listen, dir, members, voters, 0, 3, 256, 1, 1000,
        FailureDetection.DEFAULTS))
        .isInstanceOf(ConfigException.class).hasMessageContaining("partitions = 0").hasMessageContaining("1..65536");
    assertThatThrownBy(() -> NodeConfig.of("n9", listen, dir, members, voters))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not in the member list");
    assertThatThrownBy(() -> NodeConfig.of("bad id!", listen, dir, members, voters))
        .isInstanceOf(ConfigException.class).hasMessageContaining("node id 'bad id!' is invalid");
  }

  @Test
  void theDirectoryNeedsOneThreeOrFiveVotersThatAreMembers() throws Exception {
    var members = MemberAddress.parseList("n1@127.0.0.1:7401,n2@127.0.0.1:7402,n3@127.0.0.1:7403");
    var listen = MemberAddress.parseHostPort("--listen", "127.0.0.1:7401");
    assertThatThrownBy(() -> NodeConfig.of("n1", listen, dir, members,
        MemberAddress.parseList("voter list", "n1@127.0.0.1:7501,n2@127.0.0.1:7502")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("the directory needs 1, 3 or 5 voters (a majority of them must be up for"
            + " membership changes), got 2: [n1@127.0.0.1:7501, n2@127.0.0.1:7502]");
    assertThatThrownBy(() -> NodeConfig.of("n1", listen, dir, members,
        MemberAddress.parseList("voter list", "n9@127.0.0.1:7509")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("directory voter 'n9' is not in the member list");
    assertThatThrownBy(() -> MemberAddress.parseList("voter list", "n1@127.0.0.1:1,n1@127.0.0.1:2"))
        .hasMessage("node id 'n1' appears twice in the voter list");
    assertThatThrownBy(() -> loadWith("voters ="))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'voters' is missing");
  }

  @Test
  void numbersBeyondTheIntRangeAreRejectedInsteadOfWrappingIntoRange() throws Exception {
    // (int) 4294967297 is 1, a valid partition count; (int) 4294967296 is 0, a valid value limit.
    assertThatThrownBy(() -> loadWith("partitions = 4294967297"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("partitions = 4294967297").hasMessageContaining("1..65536");
    assertThatThrownBy(() -> loadWith("max-value-bytes = 4294967296"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("max-value-bytes = 4294967296").hasMessageContaining("0..134217728");
    assertThatThrownBy(() -> loadWith("replication = 99999999999999999999"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("replication = '99999999999999999999'").hasMessageContaining("1..15");
    assertThatThrownBy(() -> MemberAddress.parseList("n1@127.0.0.1:4294967297"))
        .hasMessageContaining("4294967297").hasMessageContaining("outside 0..65535");
  }

  private NodeConfig loadWith(String extraLine) throws Exception {
    Path file = dir.resolve("extra.properties");
    String voters = extraLine.startsWith("voters") ? "" : "voters=n1@127.0.0.1:2\n";
    Files.writeString(file, "node-id=n1\nlisten=127.0.0.1:1\ndata=d\nmembers=n1@127.0.0.1:1\n"
        + voters + extraLine + "\n");
    return NodeConfig.load(file);
  }

  @Test
  void aJoiningNodeNeedsOnlyTheMemberItJoinsThrough() throws Exception {
    Path file = dir.resolve("n4.properties");
    Files.writeString(file, "node-id = n4\nlisten = 127.0.0.1:7404\ndata = n4\njoin = 127.0.0.1:7401\n");
    NodeConfig c = NodeConfig.load(file);
    assertThat(c.join()).isEqualTo(new MemberAddress.HostPort("127.0.0.1", 7401));
    assertThat(c.members()).isEmpty();
    assertThat(c.voters()).isEmpty();
    assertThat(c.dataDir()).isEqualTo(dir.resolve("n4"));
  }

  @Test
  void joinAndAMemberOrVoterListAreMutuallyExclusive() throws Exception {
    String both = "join (--join) and members/voters (--members, --voters) are mutually exclusive";
    assertThatThrownBy(() -> loadWith("join = 127.0.0.1:7401"))
        .isInstanceOf(ConfigException.class).hasMessageContaining(both);
    var listen = MemberAddress.parseHostPort("--listen", "127.0.0.1:7404");
    var join = MemberAddress.parseHostPort("--join", "127.0.0.1:7401");
    assertThatThrownBy(() -> new NodeConfig("n4", listen, dir, List.of(),
        MemberAddress.parseList("voter list", "n1@127.0.0.1:7501"), 256, 3, 256, 1, 1000,
        FailureDetection.DEFAULTS, join))
        .isInstanceOf(ConfigException.class).hasMessageContaining(both);
    assertThatThrownBy(() -> NodeConfig.of("n4", listen, dir, List.of(), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("needs either members and voters (--members, --voters")
        .hasMessageContaining("or join (--join HOST:PORT");
  }

  @Test
  void aJoiningNodeTakesTheClustersPartitionsAndReplicationSoItMayNotSetThem() throws Exception {
    for (String key : List.of("partitions", "replication")) {
      Path file = dir.resolve(key + ".properties");
      Files.writeString(file, "node-id=n4\nlisten=127.0.0.1:7404\ndata=d\njoin=127.0.0.1:7401\n"
          + key + "=16\n");
      assertThatThrownBy(() -> NodeConfig.load(file))
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("'" + key + "' sets a new cluster's partitions or replication")
          .hasMessageContaining("a node that joins takes the cluster's");
    }
  }

  @Test
  void aJoiningNodeListensWhereOthersCanReachItAndJoinsARealPort() {
    var join = MemberAddress.parseHostPort("--join", "127.0.0.1:7401");
    for (String listen : List.of("0.0.0.0:7404", "127.0.0.1:0", "[::]:7404")) {
      assertThatThrownBy(() -> NodeConfig.joining("n4", MemberAddress.parseHostPort("--listen", listen),
          dir, join))
          .as(listen).isInstanceOf(ConfigException.class)
          .hasMessageContaining("listen " + listen + ": a joining node gives its listen address");
    }
    assertThatThrownBy(() -> NodeConfig.joining("n4", MemberAddress.parseHostPort("--listen",
        "127.0.0.1:7404"), dir, MemberAddress.parseHostPort("--join", "127.0.0.1:0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("join 127.0.0.1:0: port 0");
    assertThatThrownBy(() -> NodeConfig.joining("bad id!", MemberAddress.parseHostPort("--listen",
        "127.0.0.1:7404"), dir, join))
        .isInstanceOf(ConfigException.class).hasMessageContaining("node id 'bad id!' is invalid");
  }

  @Test
  void memberListsAreValidated() {
    assertThatThrownBy(() -> MemberAddress.parseList("n1@127.0.0.1:7401,n1@127.0.0.1:7402"))
        .hasMessageContaining("appears twice");
    assertThatThrownBy(() -> MemberAddress.parseList("n1-127.0.0.1:7401"))
        .hasMessageContaining("is not ID@HOST:PORT");
    assertThatThrownBy(() -> MemberAddress.parseList("n1@127.0.0.1:99999"))
        .hasMessageContaining("outside 0..65535");
    assertThatThrownBy(() -> MemberAddress.parseList("n1@127.0.0.1:http"))
        .hasMessageContaining("port is not a number");
    assertThatThrownBy(() -> MemberAddress.parseList(" , "))
        .hasMessageContaining("empty");
  }
}
