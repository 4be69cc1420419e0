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
import io.dkv.core.directory.DirectoryCommand.Demote;
import io.dkv.core.directory.DirectoryCommand.Release;
import io.dkv.core.directory.DirectoryCommand.Remove;
import io.dkv.core.directory.DirectoryCommand.StartMoves;
import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.PartitionMove;
import io.dkv.core.placement.ReplicaSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.statistics.StatisticsReport;
import net.jqwik.api.constraints.IntRange;

/**
 * Properties of {@link DirectoryState#apply} and the codecs over generated command lists. Ids,
 * addresses and names come from small pools (a few invalid ones included) so that most commands
 * meet existing members and namespaces and every rule is exercised. A failure prints the list.
 */
class DirectoryPropertiesTest {

  /**
   * Most lists start with a valid Initialize, so that the membership rules meet members, and go on
   * with single commands mixed with failovers.
   */
  @Provide
  Arbitrary<List<DirectoryCommand>> commandLists() {
    Arbitrary<List<DirectoryCommand>> anyList = commands().list().ofMaxSize(40);
    Arbitrary<List<DirectoryCommand>> steps = Arbitraries.frequencyOf(
            Tuple.of(1, commands().map(List::of)), Tuple.of(1, failovers()), Tuple.of(2, moves()))
        .list().ofMinSize(5).ofMaxSize(30)
        .map(chunks -> chunks.stream().<DirectoryCommand>flatMap(List::stream).toList());
    Arbitrary<List<DirectoryCommand>> initialized = Combinators.combine(validInitializes(), steps)
        .as((init, rest) -> {
          List<DirectoryCommand> list = new ArrayList<>(List.of(init));
          list.addAll(rest);
          return list;
        });
    return Arbitraries.frequencyOf(Tuple.of(1, anyList), Tuple.of(4, initialized));
  }

  /**
   * The failure detector's path, which single commands rarely line up: one or two nodes marked
   * down, then evicted with the same floor of 1-3 (a second eviction is where lists meet the
   * floor), and sometimes removed.
   */
  private static Arbitrary<List<DirectoryCommand>> failovers() {
    return Combinators.combine(Arbitraries.of("n1", "n2", "n3", "n4", "n5").set().ofMinSize(1)
                .ofMaxSize(2), Arbitraries.integers().between(1, 3), Arbitraries.of(false, true))
        .as((nodes, floor, remove) -> {
          List<DirectoryCommand> chunk = new ArrayList<>();
          nodes.forEach(id -> chunk.add(new MarkDown(id)));
          nodes.forEach(id -> chunk.add(new Evict(id, floor)));
          if (remove) {
            nodes.forEach(id -> chunk.add(new Remove(id)));
          }
          return chunk;
        });
  }

  /**
   * A partition's move as the leader and the learner make it: started (to a random node, in the
   * place of a random replica or of none), often promoted, then the node it replaced released.
   * A Promote's since is {@link #CURRENT_MOVE}: the replay fills in the move's own, since a
   * generator cannot know it, and sometimes it stays wrong on purpose.
   */
  private static Arbitrary<List<DirectoryCommand>> moves() {
    Arbitrary<String> nodes = Arbitraries.of("n1", "n2", "n3", "n4", "n5", ANY, ANY, ANY);
    return Combinators.combine(Arbitraries.integers().between(0, 2), nodes,
            Arbitraries.of("n1", "n2", "n3", "n4", "n5", "none", ANY, ANY, ANY),
            Arbitraries.integers().between(0, 3))
        .as((p, to, from, steps) -> {
          List<DirectoryCommand> chunk = new ArrayList<>();
          chunk.add(new StartMoves(List.of(new MoveRequest(p, to, from.equals("none") ? null : from))));
          if (steps >= 1) {
            chunk.add(new Promote(p, to, steps == 1 ? 0 : CURRENT_MOVE));
          }
          if (steps >= 2 && !from.equals("none")) {
            chunk.add(new Release(p, from));
          }
          if (steps >= 2) {
            chunk.add(new Leave(to));
          }
          if (steps == 3) {
            chunk.add(new Demote(p, to));
          }
          return chunk;
        });
  }

  /** A Promote's since that the replay replaces with the partition's current move's. */
  private static final long CURRENT_MOVE = -1;

  /**
   * A node the replay picks: as a move's learner, a member outside the partition; as the replica
   * it replaces, the partition's last replica; in a Promote, the move's learner; in a Release, a
   * leaving node; in a Demote, the first replica. Random ids alone would make most moves invalid.
   */
  private static final String ANY = "*";

  /** {@code c} with the placeholders {@link #CURRENT_MOVE} and {@link #ANY} filled in from {@code s}. */
  private static DirectoryCommand resolve(DirectoryCommand c, DirectoryState s) {
    PartitionMap map = s.map();
    return switch (c) {
      case StartMoves m when m.moves().size() == 1 && m.moves().get(0).partition() < map.partitionCount()
          && (m.moves().get(0).to().equals(ANY) || ANY.equals(m.moves().get(0).from())) -> {
        MoveRequest r = m.moves().get(0);
        ReplicaSet set = map.set(r.partition());
        String to = !r.to().equals(ANY) ? r.to() : map.members().stream()
            .filter(n -> !set.involves(n)).findFirst().orElse("n5");
        String from = !ANY.equals(r.from()) ? r.from()
            : set.replicas().isEmpty() ? null : set.replicas().get(set.replicas().size() - 1);
        yield new StartMoves(List.of(new MoveRequest(r.partition(), to, from)));
      }
      case Promote p when p.partition() < map.partitionCount() && map.set(p.partition()).move() != null
          && (p.since() == CURRENT_MOVE || p.nodeId().equals(ANY)) -> {
        PartitionMove move = map.set(p.partition()).move();
        yield new Promote(p.partition(), p.nodeId().equals(ANY) ? move.to() : p.nodeId(),
            p.since() == CURRENT_MOVE ? move.since() : p.since());
      }
      case Release r when r.nodeId().equals(ANY) && r.partition() < map.partitionCount()
          && !map.set(r.partition()).leaving().isEmpty() ->
          new Release(r.partition(), map.set(r.partition()).leaving().get(0));
      case Demote d when d.nodeId().equals(ANY) && d.partition() < map.partitionCount()
          && !map.replicas(d.partition()).isEmpty() ->
          new Demote(d.partition(), map.replicas(d.partition()).get(0));
      default -> c;
    };
  }

  /**
   * Initialize with 3-5 of the valid ids, 1-20 partitions and a replication factor of 2-4, so that
   * an Evict can shrink a list (lists of one replica cannot shrink).
   */
  private static Arbitrary<DirectoryCommand> validInitializes() {
    Arbitrary<List<Join>> members = Arbitraries.of("n1", "n2", "n3", "n4", "n5").set()
        .ofMinSize(3).ofMaxSize(5)
        .map(ids -> ids.stream().map(id -> new Join(id, "10.0.0.1:7401")).toList());
    return Combinators.combine(members, Arbitraries.integers().between(1, 20),
        Arbitraries.integers().between(2, 4)).as(Initialize::new);
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
        ids.map(MarkDown::new),
        ids.map(MarkDown::new),
        Combinators.combine(ids, Arbitraries.integers().between(0, 16)).as(Evict::new),
        Combinators.combine(ids, Arbitraries.integers().between(1, 2)).as(Evict::new),
        ids.map(id -> new Evict(id, 1)),
        ids.map(Leave::new),
        ids.map(Remove::new),
        Combinators.combine(names, Arbitraries.of(NamespaceMode.class), counts, counts, counts)
            .as((name, mode, n, w, r) -> new CreateNamespace(name, mode, n, w, r)),
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

  /**
   * The statistics check that the lists are not vacuous: short replica lists (after an accepted
   * Evict), a partial eviction (a node kept at the floor), a removal of an evicted node, a
   * promotion and a release are each reached in a good share of the tries.
   */
  @Property(tries = 300)
  @StatisticsReport(onFailureOnly = true)
  void everyStepKeepsTheInvariants(@ForAll("commandLists") List<DirectoryCommand> commands,
                                   @ForAll @IntRange(min = 1, max = 20) int partitions,
                                   @ForAll @IntRange(min = 1, max = 4) int replicationFactor) {
    DirectoryState s = DirectoryState.initial(partitions, replicationFactor);
    boolean shortLists = false;
    boolean partialEviction = false;
    boolean removedAfterEviction = false;
    boolean promoted = false;
    boolean released = false;
    Set<String> evicted = new HashSet<>();
    for (DirectoryCommand generated : commands) {
      DirectoryCommand c = resolve(generated, s);
      DirectoryState.Transition t = s.apply(c);
      DirectoryState next = t.state();
      switch (t.result()) {
        case CommandResult.Accepted a -> {
          assertThat(next.epoch()).isEqualTo(s.epoch() + 1).isEqualTo(a.epoch());
          assertPartitionEpochs(s.map(), next.map(), next.epoch());
          assertListsOnlyShrink(s.map(), next.map(), c);
          MembershipModel.assertMove(s, next, c);
          if (c instanceof Evict e) {
            evicted.add(e.nodeId());
            partialEviction |= !next.map().partitionsOf(e.nodeId()).isEmpty();
          }
          removedAfterEviction |= c instanceof Remove r && evicted.contains(r.nodeId());
          promoted |= c instanceof Promote;
          released |= c instanceof Release;
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
      assertThat(CommandCodec.decodeEntry(CommandCodec.encode(c))).isEqualTo(c);
      assertThat(CommandCodec.decodeResult(CommandCodec.encode(t.result()))).isEqualTo(t.result());
      shortLists |= hasShortList(next.map());
      s = next;
    }
    // The generators reach these in about 50%, 20%, 30%, 19% and 20% of the tries; the floors
    // are far enough below that only a change that makes a case rare fails them.
    checkCoverage("short lists", shortLists, 25);
    checkCoverage("partial eviction", partialEviction, 5);
    checkCoverage("removed after eviction", removedAfterEviction, 15);
    checkCoverage("promoted", promoted, 10);
    checkCoverage("released", released, 10);
  }

  /** Fails the property unless {@code label} was reached in at least {@code minPercent} of the tries. */
  private static void checkCoverage(String label, boolean reached, double minPercent) {
    Statistics.label(label).collect(reached);
    Statistics.label(label).coverage(
        coverage -> coverage.check(true).percentage(p -> p >= minPercent));
  }

  private static boolean hasShortList(PartitionMap map) {
    for (int p = 0; p < map.partitionCount(); p++) {
      if (map.replicas(p).size() < map.replicasPerPartition()) {
        return true;
      }
    }
    return false;
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
        new Evict(b, n), new Leave(a), new Remove(a), new CreateNamespace(a, NamespaceMode.STRONG, n, w, r),
        new DropNamespace(b), new Initialize(List.of(new Join(a, b), new Join(b, a)), n, w),
        new StartMoves(List.of(new MoveRequest(n, a, b.isEmpty() ? null : b),
            new MoveRequest(w, b, null))), new Promote(n, a, (long) w * r), new Demote(r, b),
        new Release(w, a))) {
      assertThat(CommandCodec.decodeCommand(CommandCodec.encode(c))).isEqualTo(c);
    }
    CommandResult rejected = new CommandResult.Rejected(n, a);
    assertThat(CommandCodec.decodeResult(CommandCodec.encode(rejected))).isEqualTo(rejected);
  }

  /** A heartbeat round-trips exactly when its id is a valid node id and its epoch is not negative. */
  @Property(tries = 300)
  void heartbeatsRoundTripOrAreRefused(@ForAll("heartbeatIds") String nodeId,
                                       @ForAll long viewEpoch) {
    byte[] bytes = CommandCodec.encode(new Heartbeat(nodeId, viewEpoch));
    if (DirectoryNames.checkNodeId(nodeId) == null && viewEpoch >= 0) {
      assertThat(CommandCodec.decodeEntry(bytes)).isEqualTo(new Heartbeat(nodeId, viewEpoch));
    } else {
      assertThatThrownBy(() -> CommandCodec.decodeEntry(bytes))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  /** Valid node ids of 1-64 characters and arbitrary text, about half each. */
  @Provide
  Arbitrary<String> heartbeatIds() {
    Arbitrary<String> valid = Combinators.combine(Arbitraries.strings().alpha().numeric().ofLength(1),
        Arbitraries.strings().alpha().numeric().withChars('_', '.', '-').ofMaxLength(63))
        .as(String::concat);
    return Arbitraries.oneOf(valid, text());
  }

  /** Corrupt bytes are refused with an IllegalArgumentException, never another failure. */
  @Property(tries = 1000)
  void arbitraryBytesDecodeOrFailCleanly(@ForAll byte[] bytes) {
    for (Runnable decode : List.<Runnable>of(() -> CommandCodec.decodeCommand(bytes),
        () -> CommandCodec.decodeEntry(bytes),
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

  /**
   * The map's members are the members that are not removed (a down one stays until removed);
   * once there are any, every partition has 1 to min(RF, members) distinct replicas, all of them
   * members (so none is removed); before, none.
   */
  private static void assertReplicaSets(DirectoryState s) {
    List<String> holders = s.members().stream()
        .filter(m -> m.state() != NodeState.REMOVED)
        .map(Member::nodeId).toList();
    PartitionMap map = s.map();
    assertThat(map.members()).isEqualTo(holders);
    assertThat(map.epoch()).isBetween(0L, s.epoch());
    int least = holders.isEmpty() ? 0 : 1;
    for (int p = 0; p < map.partitionCount(); p++) {
      List<String> replicas = map.replicas(p);
      assertThat(replicas.size()).isBetween(least, Math.min(map.replicationFactor(), holders.size()));
      assertThat(new HashSet<>(replicas)).hasSize(replicas.size());
      assertThat(holders).containsAll(replicas);
      assertThat(map.partitionEpoch(p)).isBetween(0L, map.epoch());
    }
  }

  /**
   * After Initialize only a Promote hands out a replica: its learner takes the place of the replica
   * the move names (which starts leaving) or a free place at the end. Evict takes its node out of
   * every list that keeps at least its floor without it (keeping the others' order), Demote takes
   * its node out, and every other command leaves the lists as they were.
   */
  private static void assertListsOnlyShrink(PartitionMap before, PartitionMap after,
                                            DirectoryCommand c) {
    if (c instanceof Initialize) {
      return;
    }
    for (int p = 0; p < after.partitionCount(); p++) {
      List<String> expected = before.replicas(p);
      if (c instanceof Evict e && expected.size() - 1 >= e.minReplicas()) {
        expected = expected.stream().filter(r -> !r.equals(e.nodeId())).toList();
      } else if (c instanceof Demote d && d.partition() == p) {
        expected = expected.stream().filter(r -> !r.equals(d.nodeId())).toList();
        assertThat(after.set(p).leaving()).contains(d.nodeId());
      } else if (c instanceof Promote pr && pr.partition() == p) {
        PartitionMove move = before.set(p).move();
        assertThat(move.to()).isEqualTo(pr.nodeId());
        expected = new ArrayList<>(expected);
        if (move.from() == null) {
          expected.add(move.to());
        } else {
          expected.set(expected.indexOf(move.from()), move.to());
          assertThat(after.set(p).leaving()).contains(move.from());
        }
        assertThat(after.set(p).move()).isNull();
      }
      assertThat(after.replicas(p)).as("partition %d after %s", p, c).isEqualTo(expected);
      if (c instanceof Evict e) {
        assertThat(after.set(p).leaving()).doesNotContain(e.nodeId());
        assertThat(after.set(p).move() == null || !after.set(p).move().to().equals(e.nodeId()))
            .as("move of partition %d after %s", p, c).isTrue();
      }
    }
    if (c instanceof Evict) {
      assertThat(after.epoch()).as("map epoch after %s", c).isGreaterThan(before.epoch());
    }
  }

  /** A partition's epoch moves to the new epoch exactly when its nodes or their roles changed. */
  private static void assertPartitionEpochs(PartitionMap before, PartitionMap after, long epoch) {
    if (after.partitionCount() != before.partitionCount()) { // Initialize sets Q: all new
      for (int p = 0; p < after.partitionCount(); p++) {
        assertThat(after.partitionEpoch(p)).isEqualTo(epoch);
      }
      return;
    }
    for (int p = 0; p < after.partitionCount(); p++) {
      boolean changed = !after.set(p).equals(before.set(p));
      assertThat(after.partitionEpoch(p)).isEqualTo(changed ? epoch : before.partitionEpoch(p));
    }
  }
}
