package io.dkv.core.directory;

import static org.assertj.core.api.Assertions.assertThat;

import io.dkv.core.directory.DirectoryCommand.CreateNamespace;
import io.dkv.core.directory.DirectoryCommand.DropNamespace;
import io.dkv.core.directory.DirectoryCommand.Initialize;
import io.dkv.core.directory.DirectoryCommand.Join;
import io.dkv.core.directory.DirectoryCommand.Leave;
import io.dkv.core.directory.DirectoryCommand.MarkDown;
import io.dkv.core.directory.DirectoryCommand.MarkUp;
import io.dkv.core.directory.DirectoryCommand.Remove;
import io.dkv.core.placement.PartitionMap;
import java.util.HashSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of {@link DirectoryState#apply} and the codecs over generated command lists. Ids,
 * addresses and names come from small pools (a few invalid ones included) so that most commands
 * meet existing members and namespaces and every rule is exercised. A failure prints the list.
 */
class DirectoryPropertiesTest {

  @Provide
  Arbitrary<List<DirectoryCommand>> commandLists() {
    return commands().list().ofMaxSize(40);
  }

  @Provide
  Arbitrary<DirectoryCommand> commands() {
    Arbitrary<String> ids = Arbitraries.of("n1", "n2", "n3", "n4", "n5", "bad id");
    Arbitrary<String> addresses = Arbitraries.of("10.0.0.1:7401", "10.0.0.2:7401", "nohost");
    Arbitrary<String> names = Arbitraries.of("a", "b", "default", "bad/name");
    Arbitrary<Integer> counts = Arbitraries.integers().between(0, 4);
    return Arbitraries.oneOf(
        Combinators.combine(ids, addresses).as(Join::new),
        Combinators.combine(ids, addresses).as(Join::new),
        ids.map(MarkUp::new),
        ids.map(MarkUp::new),
        ids.map(MarkDown::new),
        ids.map(Leave::new),
        ids.map(Remove::new),
        Combinators.combine(names, counts, counts, counts)
            .as((name, n, w, r) -> new CreateNamespace(name, NamespaceMode.STRONG, n, w, r)),
        names.map(DropNamespace::new),
        initializes(ids, addresses),
        initializes(ids, addresses));
  }

  /** Initialize commands with 0-4 members and partition counts and replication factors, some invalid. */
  private static Arbitrary<DirectoryCommand> initializes(Arbitrary<String> ids, Arbitrary<String> addresses) {
    return Combinators.combine(Combinators.combine(ids, addresses).as(Join::new).list().ofMaxSize(4),
            Arbitraries.integers().between(0, 20), Arbitraries.integers().between(0, 4))
        .as(Initialize::new);
  }

  @Provide
  Arbitrary<String> text() {
    return Arbitraries.strings().withCharRange('\u0000', '\ud7ff').ofMaxLength(80);
  }

  @Property(tries = 300)
  void everyStepKeepsTheInvariants(@ForAll("commandLists") List<DirectoryCommand> commands,
                                   @ForAll @IntRange(min = 1, max = 20) int partitions,
                                   @ForAll @IntRange(min = 1, max = 4) int replicationFactor) {
    DirectoryState s = DirectoryState.initial(partitions, replicationFactor);
    for (DirectoryCommand c : commands) {
      DirectoryState.Transition t = s.apply(c);
      DirectoryState next = t.state();
      switch (t.result()) {
        case CommandResult.Accepted a -> {
          assertThat(next.epoch()).isEqualTo(s.epoch() + 1).isEqualTo(a.epoch());
          assertPartitionEpochs(s.map(), next.map(), next.epoch());
        }
        case CommandResult.Rejected r -> {
          assertThat(next).isSameAs(s);
          assertThat(r.epoch()).isEqualTo(s.epoch());
          assertThat(r.reason()).isNotBlank();
        }
      }
      assertReplicaSets(next);
      assertThat(StateCodec.decode(StateCodec.encode(next))).isEqualTo(next);
      assertThat(CommandCodec.decodeCommand(CommandCodec.encode(c))).isEqualTo(c);
      assertThat(CommandCodec.decodeResult(CommandCodec.encode(t.result()))).isEqualTo(t.result());
      s = next;
    }
  }

  @Property(tries = 100)
  void replayingTheSameCommandsGivesTheSameState(
      @ForAll("commandLists") List<DirectoryCommand> commands,
      @ForAll @IntRange(min = 1, max = 20) int partitions) {
    assertThat(StateCodec.encode(replay(commands, partitions)))
        .isEqualTo(StateCodec.encode(replay(List.copyOf(commands), partitions)));
  }

  @Property(tries = 300)
  void commandsRoundTripWhateverTheirText(@ForAll("text") String a, @ForAll("text") String b,
                                          @ForAll int n, @ForAll int w, @ForAll int r) {
    for (DirectoryCommand c : List.of(new Join(a, b), new MarkUp(a), new MarkDown(a),
        new Leave(a), new Remove(a), new CreateNamespace(a, NamespaceMode.STRONG, n, w, r),
        new DropNamespace(b), new Initialize(List.of(new Join(a, b), new Join(b, a)), n, w))) {
      assertThat(CommandCodec.decodeCommand(CommandCodec.encode(c))).isEqualTo(c);
    }
    CommandResult rejected = new CommandResult.Rejected(n, a);
    assertThat(CommandCodec.decodeResult(CommandCodec.encode(rejected))).isEqualTo(rejected);
  }

  /** Corrupt bytes are refused with an IllegalArgumentException, never another failure. */
  @Property(tries = 1000)
  void arbitraryBytesDecodeOrFailCleanly(@ForAll byte[] bytes) {
    for (Runnable decode : List.<Runnable>of(() -> CommandCodec.decodeCommand(bytes),
        () -> CommandCodec.decodeResult(bytes), () -> StateCodec.decode(bytes))) {
      try {
        decode.run();
      } catch (IllegalArgumentException expected) {
        assertThat(expected.getMessage()).isNotBlank();
      }
    }
  }

  private static DirectoryState replay(List<DirectoryCommand> commands, int partitions) {
    DirectoryState s = DirectoryState.initial(partitions, 3);
    for (DirectoryCommand c : commands) {
      s = s.apply(c).state();
    }
    return s;
  }

  /** Every partition has min(RF, holders) distinct replicas, all joining or up members. */
  private static void assertReplicaSets(DirectoryState s) {
    List<String> holders = s.members().stream().filter(m -> m.state().holdsReplicas())
        .map(Member::nodeId).toList();
    PartitionMap map = s.map();
    assertThat(map.members()).isEqualTo(holders);
    assertThat(map.epoch()).isBetween(0L, s.epoch());
    for (int p = 0; p < map.partitionCount(); p++) {
      List<String> replicas = map.replicas(p);
      assertThat(replicas).hasSize(Math.min(map.replicationFactor(), holders.size()));
      assertThat(new HashSet<>(replicas)).hasSize(replicas.size());
      assertThat(holders).containsAll(replicas);
    }
  }

  /** A partition's epoch moves to the new epoch exactly when its replica list changed. */
  private static void assertPartitionEpochs(PartitionMap before, PartitionMap after, long epoch) {
    if (after.partitionCount() != before.partitionCount()) { // Initialize sets Q: all new
      for (int p = 0; p < after.partitionCount(); p++) {
        assertThat(after.partitionEpoch(p)).isEqualTo(epoch);
      }
      return;
    }
    for (int p = 0; p < after.partitionCount(); p++) {
      boolean changed = !after.replicas(p).equals(before.replicas(p));
      assertThat(after.partitionEpoch(p)).isEqualTo(changed ? epoch : before.partitionEpoch(p));
    }
  }
}
