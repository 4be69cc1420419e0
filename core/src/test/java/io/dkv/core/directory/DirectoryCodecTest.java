package io.dkv.core.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.core.directory.DirectoryCommand.CreateNamespace;
import io.dkv.core.directory.DirectoryCommand.DropNamespace;
import io.dkv.core.directory.DirectoryCommand.Evict;
import io.dkv.core.directory.DirectoryCommand.Initialize;
import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryCommand.Leave;
import io.dkv.core.directory.DirectoryCommand.MarkDown;
import io.dkv.core.directory.DirectoryCommand.MarkUp;
import io.dkv.core.directory.DirectoryCommand.MoveRequest;
import io.dkv.core.directory.DirectoryCommand.Promote;
import io.dkv.core.directory.DirectoryCommand.Release;
import io.dkv.core.directory.DirectoryCommand.Remove;
import io.dkv.core.directory.DirectoryCommand.StartMoves;
import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.PartitionMove;
import io.dkv.core.placement.ReplicaSet;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Golden bytes, written out by hand from the layouts in the codec class comments. */
class DirectoryCodecTest {
  private static final HexFormat HEX = HexFormat.of();

  @Test
  void goldenCommands() {
    assertGolden(new Join("n1", "h:1"), "0101" + "00026e31" + "0003683a31");
    assertGolden(new MarkUp("n1"), "0102" + "00026e31");
    assertGolden(new MarkDown("n1"), "0103" + "00026e31");
    assertGolden(new Leave("n1"), "0104" + "00026e31");
    assertGolden(new Remove("n1"), "0105" + "00026e31");
    assertGolden(new CreateNamespace("ab", NamespaceMode.STRONG, 3, 3, 1),
        "0106" + "00026162" + "01" + "00000003" + "00000003" + "00000001");
    assertGolden(new CreateNamespace("ab", NamespaceMode.EVENTUAL, 3, 2, 1),
        "0106" + "00026162" + "02" + "00000003" + "00000002" + "00000001");
    assertGolden(new DropNamespace("ab"), "0107" + "00026162");
    assertGolden(new Initialize(List.of(new Join("a", "h:1"), new Join("b", "h:2")), 256, 3),
        "0108" + "00000100" + "00000003" + "00000002" + "000161" + "0003683a31" + "000162"
            + "0003683a32");
    assertGolden(new Evict("n1", 2), "0109" + "00026e31" + "00000002");
  }

  @Test
  void goldenResults() {
    CommandResult accepted = new CommandResult.Accepted(7);
    CommandResult rejected = new CommandResult.Rejected(7, "no");
    assertThat(HEX.formatHex(CommandCodec.encode(accepted))).isEqualTo("0101" + "0000000000000007");
    assertThat(HEX.formatHex(CommandCodec.encode(rejected)))
        .isEqualTo("0102" + "0000000000000007" + "00026e6f");
    assertThat(CommandCodec.decodeResult(CommandCodec.encode(accepted))).isEqualTo(accepted);
    assertThat(CommandCodec.decodeResult(CommandCodec.encode(rejected))).isEqualTo(rejected);
  }

  /**
   * Q = 1, RF = 2: a and b initialized, c joined (in the map, no replica), b marked down (still
   * in the map) and evicted with a floor of 1, so the partition has a short list [a] while the
   * target is min(2, [a, b, c]) = 2.
   */
  static final String GOLDEN_STATE = "04" + "0000000000000004" + "00000001" + "00000002"
      + "00000003" + "000161" + "0003683a31" + "02" + "00" + "000162" + "0003683a32" + "04" + "00"
      + "000163" + "0003683a33" + "01" + "00"
      + "00000001" + "000764656661756c74" + "01" + "00000002" + "00000002" + "00000001"
      + "0000000000000000"
      + "0000000000000004"
      + "0000000000000004" + "01" + "0000" + "00" + "00";

  /** The same state as version 3 wrote it: no draining flags. */
  static final String GOLDEN_STATE_V3 = "03" + "0000000000000004" + "00000001" + "00000002"
      + "00000003" + "000161" + "0003683a31" + "02" + "000162" + "0003683a32" + "04"
      + "000163" + "0003683a33" + "01"
      + "00000001" + "000764656661756c74" + "01" + "00000002" + "00000002" + "00000001"
      + "0000000000000000"
      + "0000000000000004"
      + "0000000000000004" + "01" + "0000" + "00" + "00";

  /** The same state as version 2 wrote it: no move and no leaving fields. */
  static final String GOLDEN_STATE_V2 = "02" + GOLDEN_STATE_V3.substring(2, GOLDEN_STATE_V3.length() - 4);

  static DirectoryState shortListState() {
    return DirectoryStateTest.applyAll(DirectoryState.initial(1, 2),
        new Initialize(List.of(new Join("a", "h:1"), new Join("b", "h:2")), 1, 2),
        new Join("c", "h:3"), new MarkDown("b"), new Evict("b", 1));
  }

  @Test
  void goldenStateWithAShortList() {
    DirectoryState s = shortListState();
    assertThat(s.map().replicas(0)).containsExactly("a");
    assertThat(s.map().members()).containsExactly("a", "b", "c");
    assertThat(HEX.formatHex(StateCodec.encode(s))).isEqualTo(GOLDEN_STATE);
    assertThat(StateCodec.decode(HEX.parseHex(GOLDEN_STATE))).isEqualTo(s);
  }

  @Test
  void aVersion3StateStillDecodes() {
    assertThat(StateCodec.decode(HEX.parseHex(GOLDEN_STATE_V3))).isEqualTo(shortListState());
  }

  /** A draining member keeps its flag through a down spell, and in the bytes. */
  @Test
  void aDrainingMemberRoundTripsAndAVersion3LeavingMemberReadsAsDraining() {
    DirectoryState s = DirectoryStateTest.applyAll(shortListState(), new Leave("c"), new MarkDown("c"));
    assertThat(s.member("c")).contains(new Member("c", "h:3", NodeState.DOWN, true));
    String hex = HEX.formatHex(StateCodec.encode(s));
    assertThat(hex).contains("000163" + "0003683a33" + "04" + "01");
    assertThat(StateCodec.decode(HEX.parseHex(hex))).isEqualTo(s);

    String v3Leaving = GOLDEN_STATE_V3.replace("000163" + "0003683a33" + "01", "000163" + "0003683a33" + "03");
    assertThat(StateCodec.decode(HEX.parseHex(v3Leaving)).member("c"))
        .contains(new Member("c", "h:3", NodeState.LEAVING, true));
    String badFlag = GOLDEN_STATE.replace("0003683a33" + "01" + "00", "0003683a33" + "01" + "02");
    assertThatThrownBy(() -> StateCodec.decode(HEX.parseHex(badFlag)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("draining")
        .hasMessageContaining("allowed: 0 or 1");
  }

  @Test
  void aVersion2StateStillDecodes() {
    assertThat(StateCodec.decode(HEX.parseHex(GOLDEN_STATE_V2))).isEqualTo(shortListState());
  }

  /**
   * From the short-list state: c fills the free place by a move, b (back up) replaces a, which
   * leaves and is released, and a starts replacing c. Member indexes: a 0, b 1, c 2.
   */
  @Test
  void goldenStateWithAMoveAndALeavingNode() {
    DirectoryState s = DirectoryStateTest.applyAll(shortListState(),
        new MarkUp("b"),
        new StartMoves(List.of(new MoveRequest(0, "c", null))),
        new Promote(0, "c", 6),
        new StartMoves(List.of(new MoveRequest(0, "b", "a"))),
        new Promote(0, "b", 8),
        new Release(0, "a"),
        new StartMoves(List.of(new MoveRequest(0, "a", "c"))));
    ReplicaSet set = s.map().set(0);
    assertThat(set.replicas()).containsExactly("b", "c");
    assertThat(set.leaving()).isEmpty();
    assertThat(set.move()).isEqualTo(new PartitionMove("a", "c", 11));
    String hex = HEX.formatHex(StateCodec.encode(s));
    assertThat(hex).endsWith("000000000000000b" + "02" + "0001" + "0002"
        + "01" + "0000" + "0002" + "000000000000000b" + "00");
    assertThat(StateCodec.decode(HEX.parseHex(hex))).isEqualTo(s);
    DirectoryState leaving = DirectoryStateTest.applyAll(DirectoryStateTest.applyAll(shortListState(),
        new MarkUp("b"), new StartMoves(List.of(new MoveRequest(0, "c", null))),
        new Promote(0, "c", 6), new StartMoves(List.of(new MoveRequest(0, "b", "a"))),
        new Promote(0, "b", 8)));
    assertThat(leaving.map().set(0)).isEqualTo(new ReplicaSet(List.of("b", "c"), null, List.of("a")));
    assertThat(HEX.formatHex(StateCodec.encode(leaving))).endsWith("02" + "0001" + "0002" + "00"
        + "01" + "0000");
    assertThat(StateCodec.decode(StateCodec.encode(leaving))).isEqualTo(leaving);
  }

  /** What version 1 wrote (a joined to an empty directory, Q = 2, RF = 1) still decodes. */
  @Test
  void aVersion1StateStillDecodes() {
    String v1 = "01" + "0000000000000001" + "00000002" + "00000001"
        + "00000001" + "000161" + "0003683a31" + "01"
        + "00000001" + "000764656661756c74" + "01" + "00000001" + "00000001" + "00000001"
        + "0000000000000000"
        + "0000000000000001"
        + "0000000000000001" + "0000"
        + "0000000000000001" + "0000";
    DirectoryState s = StateCodec.decode(HEX.parseHex(v1));
    PartitionMap map = PartitionMap.of(1, 1, List.of("a"), List.of(List.of("a"), List.of("a")),
        new long[] {1, 1});
    assertThat(s).isEqualTo(DirectoryState.of(1, List.of(new Member("a", "h:1", NodeState.JOINING)),
        map, List.of(new Namespace("default", NamespaceMode.STRONG, 1, 1, 1, 0))));
    assertThat(StateCodec.decode(StateCodec.encode(s))).isEqualTo(s);
  }

  /**
   * In version 1 a replica indexed the joining and up members only; a leaving or down member
   * (already out of every list then) becomes a member of the map with no replica.
   */
  @Test
  void aVersion1StateWithLeavingAndDownMembersIndexesTheJoiningAndUpMembers() {
    String v1 = "01" + "0000000000000002" + "00000002" + "00000002"
        + "00000004" + "000161" + "0003683a31" + "02" + "000162" + "0003683a32" + "03"
        + "000163" + "0003683a33" + "02" + "000164" + "0003683a34" + "04"
        + "00000001" + "000764656661756c74" + "01" + "00000002" + "00000002" + "00000001"
        + "0000000000000000"
        + "0000000000000002"
        + "0000000000000001" + "0000" + "0001"
        + "0000000000000002" + "0001" + "0000";
    DirectoryState s = StateCodec.decode(HEX.parseHex(v1));
    assertThat(s.member("b").orElseThrow().state()).isEqualTo(NodeState.LEAVING);
    assertThat(s.member("d").orElseThrow().state()).isEqualTo(NodeState.DOWN);
    assertThat(s.map()).isEqualTo(PartitionMap.of(2, 2, List.of("a", "b", "c", "d"),
        List.of(List.of("a", "c"), List.of("c", "a")), new long[] {1, 2}));
    assertThat(StateCodec.decode(StateCodec.encode(s))).isEqualTo(s);
  }

  @Test
  void goldenHeartbeat() {
    Heartbeat heartbeat = new Heartbeat("n1", 7);
    String hex = "010a" + "00026e31" + "0000000000000007";
    assertThat(HEX.formatHex(CommandCodec.encode(heartbeat))).isEqualTo(hex);
    assertThat(CommandCodec.decodeEntry(HEX.parseHex(hex))).isEqualTo(heartbeat);
    assertThat(CommandCodec.decodeEntry(HEX.parseHex("0103" + "00026e31")))
        .isEqualTo(new MarkDown("n1"));
    assertThat(CommandCodec.decodeEntry(HEX.parseHex("0109" + "00026e31" + "00000002")))
        .isEqualTo(new Evict("n1", 2));
    assertThatThrownBy(() -> CommandCodec.decodeCommand(HEX.parseHex(hex)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("directory command: field 'tag' at offset 1: tag 10 is a heartbeat, not a"
            + " directory command");
  }

  @Test
  void malformedHeartbeatsAreRefused() {
    assertThatThrownBy(() -> CommandCodec.decodeEntry(CommandCodec.encode(new Heartbeat("bad id", 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("directory log entry: field 'nodeId' at offset 2: node id 'bad id' is invalid;"
            + " use 1-64 characters of letters, digits, '_', '.', '-', starting with a letter or"
            + " digit");
    assertThatThrownBy(() -> CommandCodec.decodeEntry(CommandCodec.encode(new Heartbeat("n1", -1))))
        .hasMessage("directory log entry: field 'viewEpoch' at offset 6: view epoch -1 is"
            + " negative; a node's view is at epoch 0 or later");
    byte[] heartbeat = CommandCodec.encode(new Heartbeat("n1", 7));
    for (int length = 0; length < heartbeat.length; length++) {
      byte[] cut = Arrays.copyOf(heartbeat, length);
      assertThatThrownBy(() -> CommandCodec.decodeEntry(cut))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
    }
    assertThatThrownBy(() -> CommandCodec.decodeEntry(Arrays.copyOf(heartbeat, heartbeat.length + 1)))
        .hasMessage("directory log entry: 1 unexpected bytes after the last field, at offset 14");
    assertThatThrownBy(() -> CommandCodec.decodeEntry(HEX.parseHex("020a00026e310000000000000007")))
        .hasMessage("directory log entry: field 'version' at offset 0: unsupported version 2;"
            + " this code reads 1");
  }

  @Test
  void everyTruncationAndTrailingByteIsRefused() {
    for (DirectoryCommand c : List.of(new CreateNamespace("ab", NamespaceMode.STRONG, 1, 1, 1),
        new Evict("n1", 2))) {
      byte[] command = CommandCodec.encode(c);
      for (int length = 0; length < command.length; length++) {
        byte[] cut = Arrays.copyOf(command, length);
        assertThatThrownBy(() -> CommandCodec.decodeCommand(cut)).as("%s cut at %d", c, length)
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
      }
      assertThatThrownBy(() -> CommandCodec.decodeCommand(Arrays.copyOf(command, command.length + 1)))
          .hasMessage("directory command: 1 unexpected bytes after the last field, at offset "
              + command.length);
    }
    byte[] state = StateCodec.encode(shortListState());
    for (int length = 0; length < state.length; length++) {
      byte[] cut = Arrays.copyOf(state, length);
      assertThatThrownBy(() -> StateCodec.decode(cut)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void badFieldsAreRefusedWithTheFieldAndOffset() {
    assertThatThrownBy(() -> CommandCodec.decodeCommand(HEX.parseHex("0201")))
        .hasMessage("directory command: field 'version' at offset 0: unsupported version 2;"
            + " this code reads 1");
    for (String tag : List.of("00", "0f", "ff")) {
      for (Function<byte[], ?> decode : List.<Function<byte[], ?>>of(CommandCodec::decodeCommand,
          CommandCodec::decodeEntry)) {
        assertThatThrownBy(() -> decode.apply(HEX.parseHex("01" + tag + "00026e31")))
            .hasMessageEndingWith("field 'tag' at offset 1: unknown command tag "
                + Integer.parseInt(tag, 16) + "; known: 1 to 9 and 11 to 14 (commands), 10 (heartbeat)");
      }
    }
    assertThatThrownBy(() -> CommandCodec.decodeCommand(HEX.parseHex("01020001ff")))
        .hasMessage("directory command: field 'nodeId' at offset 2: string is not valid UTF-8");
    assertThatThrownBy(() -> CommandCodec.decodeCommand(
            HEX.parseHex("0106" + "00026162" + "03" + "00000001" + "00000001" + "00000001")))
        .hasMessage("directory command: field 'mode' at offset 6: unknown namespace mode code 3;"
            + " known: 1 (strong), 2 (eventual)");
    int end = GOLDEN_STATE.length() / 2;
    assertThatThrownBy(() -> StateCodec.decode(HEX.parseHex(GOLDEN_STATE.replaceFirst("00000000$", "00030000"))))
        .hasMessage("directory state: field 'replica' at offset " + (end - 4) + ": index 3 but"
            + " only 3 members hold replicas");
    assertThatThrownBy(() -> StateCodec.decode(HEX.parseHex(GOLDEN_STATE.replaceFirst("00$", "01" + "0003"))))
        .hasMessage("directory state: field 'leaving' at offset " + end + ": index 3 but"
            + " only 3 members hold replicas");
    for (String count : List.of("00", "03")) {
      String bad = GOLDEN_STATE.replaceFirst("0100000000$", count + "00000000");
      assertThatThrownBy(() -> StateCodec.decode(HEX.parseHex(bad)))
          .hasMessage("directory state: field 'count' at offset " + (end - 5) + ": "
              + Integer.parseInt(count) + " replicas; allowed: 1 to 2 (1 to min(replication"
              + " factor, members holding replicas), 0 when none does)");
    }
    assertThatThrownBy(() -> StateCodec.decode(HEX.parseHex("05" + GOLDEN_STATE.substring(2))))
        .hasMessage("directory state: field 'version' at offset 0: unsupported version 5; this"
            + " code reads 1 to 4");
  }

  private static void assertGolden(DirectoryCommand command, String hex) {
    assertThat(HEX.formatHex(CommandCodec.encode(command))).as("%s", command).isEqualTo(hex);
    assertThat(CommandCodec.decodeCommand(HEX.parseHex(hex))).isEqualTo(command);
  }
}
