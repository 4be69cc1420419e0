package io.dkv.core.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dkv.core.directory.DirectoryCommand.CreateNamespace;
import io.dkv.core.directory.DirectoryCommand.DropNamespace;
import io.dkv.core.directory.DirectoryCommand.Initialize;
import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryCommand.Leave;
import io.dkv.core.directory.DirectoryCommand.MarkDown;
import io.dkv.core.directory.DirectoryCommand.MarkUp;
import io.dkv.core.directory.DirectoryCommand.Remove;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
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
    assertGolden(new DropNamespace("ab"), "0107" + "00026162");
    assertGolden(new Initialize(List.of(new Join("a", "h:1"), new Join("b", "h:2")), 256, 3),
        "0108" + "00000100" + "00000003" + "00000002" + "000161" + "0003683a31" + "000162"
            + "0003683a32");
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

  @Test
  void goldenState() {
    DirectoryState s = DirectoryState.initial(2, 1).apply(new Join("a", "h:1")).state();
    String expected = "01" + "0000000000000001" + "00000002" + "00000001"
        + "00000001" + "000161" + "0003683a31" + "01"
        + "00000001" + "000764656661756c74" + "01" + "00000001" + "00000001" + "00000001"
        + "0000000000000000"
        + "0000000000000001"
        + "0000000000000001" + "0000"
        + "0000000000000001" + "0000";
    assertThat(HEX.formatHex(StateCodec.encode(s))).isEqualTo(expected);
    assertThat(StateCodec.decode(HEX.parseHex(expected))).isEqualTo(s);
  }

  @Test
  void everyTruncationAndTrailingByteIsRefused() {
    byte[] command = CommandCodec.encode(new CreateNamespace("ab", NamespaceMode.STRONG, 1, 1, 1));
    byte[] state = StateCodec.encode(DirectoryStateTest.threeUp());
    for (int length = 0; length < command.length; length++) {
      byte[] cut = Arrays.copyOf(command, length);
      assertThatThrownBy(() -> CommandCodec.decodeCommand(cut))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("truncated");
    }
    for (int length = 0; length < state.length; length++) {
      byte[] cut = Arrays.copyOf(state, length);
      assertThatThrownBy(() -> StateCodec.decode(cut)).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> CommandCodec.decodeCommand(Arrays.copyOf(command, command.length + 1)))
        .hasMessage("directory command: 1 unexpected bytes after the last field, at offset "
            + command.length);
  }

  @Test
  void badFieldsAreRefusedWithTheFieldAndOffset() {
    assertThatThrownBy(() -> CommandCodec.decodeCommand(HEX.parseHex("0201")))
        .hasMessage("directory command: field 'version' at offset 0: unsupported version 2;"
            + " this code reads 1");
    assertThatThrownBy(() -> CommandCodec.decodeCommand(HEX.parseHex("0109")))
        .hasMessage("directory command: field 'tag' at offset 1: unknown command tag 9;"
            + " known: 1 to 8");
    assertThatThrownBy(() -> CommandCodec.decodeCommand(HEX.parseHex("01020001ff")))
        .hasMessage("directory command: field 'nodeId' at offset 2: string is not valid UTF-8");
    assertThatThrownBy(() -> CommandCodec.decodeCommand(
            HEX.parseHex("0106" + "00026162" + "02" + "00000001" + "00000001" + "00000001")))
        .hasMessage("directory command: field 'mode' at offset 6: unknown namespace mode code 2;"
            + " known: 1 (strong)");
    String badReplica = HEX.formatHex(StateCodec.encode(
        DirectoryState.initial(2, 1).apply(new Join("a", "h:1")).state()))
        .replaceFirst("0000$", "0001");
    assertThatThrownBy(() -> StateCodec.decode(HEX.parseHex(badReplica)))
        .hasMessage("directory state: field 'replica' at offset 90: index 1 but only 1 members"
            + " hold replicas");
  }

  private static void assertGolden(DirectoryCommand command, String hex) {
    assertThat(HEX.formatHex(CommandCodec.encode(command))).as("%s", command).isEqualTo(hex);
    assertThat(CommandCodec.decodeCommand(HEX.parseHex(hex))).isEqualTo(command);
  }
}
