package io.dkv.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
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
        partitions = 64
        """);
    NodeConfig c = NodeConfig.load(file);
    assertThat(c.nodeId()).isEqualTo("n1");
    assertThat(c.listen().port()).isEqualTo(7401);
    assertThat(c.dataDir()).isEqualTo(dir.resolve("n1-data"));
    assertThat(c.members()).extracting(MemberAddress::nodeId).containsExactly("n1", "n2");
    assertThat(c.partitionCount()).isEqualTo(64);
    assertThat(c.replicationFactor()).isEqualTo(NodeConfig.DEFAULT_REPLICATION);
    assertThat(c.maxKeyBytes()).isEqualTo(256);
  }

  @Test
  void unknownSettingIsAnErrorNotASilentDefault() throws Exception {
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "node-id=n1\nlisten=127.0.0.1:1\ndata=d\nmembers=n1@127.0.0.1:1\npartitons=8\n");
    assertThatThrownBy(() -> NodeConfig.load(file))
        .isInstanceOf(ConfigException.class).hasMessageContaining("partitons").hasMessageContaining("allowed");
  }

  @Test
  void badValuesNameTheSettingAndTheAllowedRange() {
    var members = MemberAddress.parseList("n1@127.0.0.1:7401");
    var listen = MemberAddress.parseHostPort("--listen", "127.0.0.1:7401");
    assertThatThrownBy(() -> new NodeConfig("n1", listen, dir, members, 0, 3, 256, 1, 1000))
        .isInstanceOf(ConfigException.class).hasMessageContaining("partitions = 0").hasMessageContaining("1..65536");
    assertThatThrownBy(() -> NodeConfig.of("n9", listen, dir, members))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not in the member list");
    assertThatThrownBy(() -> NodeConfig.of("bad id!", listen, dir, members))
        .isInstanceOf(ConfigException.class).hasMessageContaining("node id 'bad id!' is invalid");
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
    Files.writeString(file, "node-id=n1\nlisten=127.0.0.1:1\ndata=d\nmembers=n1@127.0.0.1:1\n"
        + extraLine + "\n");
    return NodeConfig.load(file);
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
