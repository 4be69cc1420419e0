package io.dkv.core.directory;

import static io.dkv.core.directory.NodeState.DOWN;
import static io.dkv.core.directory.NodeState.JOINING;
import static io.dkv.core.directory.NodeState.LEAVING;
import static io.dkv.core.directory.NodeState.REMOVED;
import static io.dkv.core.directory.NodeState.UP;

import io.dkv.core.directory.DirectoryCommand.CreateNamespace;
import io.dkv.core.directory.DirectoryCommand.Demote;
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
import io.dkv.core.directory.DirectoryState.Transition;
import io.dkv.core.placement.PartitionMap;
import io.dkv.core.placement.PartitionMove;
import io.dkv.core.placement.Placement;
import io.dkv.core.placement.ReplicaSet;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The rules of {@link DirectoryState#apply}: validate a command against the state, then build the
 * next state. Every check runs before anything is built, so a rejected command changes nothing.
 *
 * <p>Only {@code Initialize} runs the claim function. After it, a node becomes a replica only by
 * {@code Promote}, after copying the partition as the learner of a {@code StartMoves} move, never
 * by a membership command (the directory's leader plans the moves with the claim function). A
 * replica stops serving by {@code Evict} (down, lease run out) or by becoming a leaving node
 * ({@code Promote} of its replacement, {@code Demote}), which still takes part in writes until
 * {@code Release}. Every partition keeps at least one replica: {@code Evict} keeps at least its
 * floor (1 or more), {@code Demote} never takes the last one, and {@code Remove} refuses a node
 * with any role, so the map never loses its last member either.
 */
final class CommandRules {
  /** The bounds of a cluster's partition count and replication factor (as a node's config). */
  static final int MAX_PARTITIONS = 65_536;
  static final int MAX_REPLICATION = 15;

  private CommandRules() {}

  static Transition apply(DirectoryState s, DirectoryCommand command) {
    return switch (command) {
      case Initialize i -> onInitialize(s, i);
      case Join j -> onJoin(s, j);
      case MarkUp u -> onStateChange(s, u.nodeId(), "mark up", UP, EnumSet.of(JOINING, DOWN));
      case MarkDown d -> onStateChange(s, d.nodeId(), "mark down", DOWN,
          EnumSet.of(JOINING, UP, LEAVING));
      case Evict e -> onEvict(s, e);
      case Leave l -> onStateChange(s, l.nodeId(), "drain (leave)", LEAVING,
          EnumSet.of(JOINING, UP, DOWN));
      case Remove r -> onRemove(s, r);
      case CreateNamespace c -> onCreateNamespace(s, c);
      case DropNamespace d -> onDropNamespace(s, d);
      case StartMoves m -> onStartMoves(s, m);
      case Promote p -> onPromote(s, p);
      case Demote d -> onDemote(s, d);
      case Release r -> onRelease(s, r);
    };
  }

  private static Transition onInitialize(DirectoryState s, Initialize init) {
    if (!s.memberMap().isEmpty()) {
      return reject(s, "the directory is already initialized (epoch " + s.epoch() + ", members "
          + s.memberMap().keySet() + "); a new node joins an existing cluster instead");
    }
    if (init.members().isEmpty()) {
      return reject(s, "a cluster needs at least one member");
    }
    if (init.partitionCount() < 1 || init.partitionCount() > MAX_PARTITIONS) {
      return reject(s, "partition count " + init.partitionCount() + " is outside 1.." + MAX_PARTITIONS);
    }
    if (init.replicationFactor() < 1 || init.replicationFactor() > MAX_REPLICATION) {
      return reject(s, "replication factor " + init.replicationFactor() + " is outside 1.."
          + MAX_REPLICATION);
    }
    SortedMap<String, Member> members = new TreeMap<>();
    for (Join join : init.members()) {
      String problem = checkJoin(join);
      if (problem != null) {
        return reject(s, problem);
      }
      if (members.put(join.nodeId(), new Member(join.nodeId(), join.address(), UP)) != null) {
        return reject(s, "node '" + join.nodeId() + "' is listed twice; each member once");
      }
    }
    List<String> holders = DirectoryState.replicaHolders(members);
    PartitionMap empty = PartitionMap.empty(init.partitionCount(), init.replicationFactor());
    PartitionMap first = Placement.initial(holders, init.partitionCount(), init.replicationFactor());
    SortedMap<String, Namespace> namespaces = new TreeMap<>();
    namespaces.put(Namespace.DEFAULT, Namespace.defaultFor(init.replicationFactor()));
    return accept(s.next(members,
        ReplicaLists.restamp(empty, holders, ReplicaLists.of(first), s.epoch() + 1), namespaces));
  }

  private static Transition onJoin(DirectoryState s, Join join) {
    String problem = checkJoin(join);
    if (problem != null) {
      return reject(s, problem);
    }
    if (s.memberMap().isEmpty()) {
      return reject(s, "node '" + join.nodeId() + "' cannot join: the directory is not initialized;"
          + " a new cluster starts with Initialize (its members, partition count and replication"
          + " factor)");
    }
    Member existing = s.memberMap().get(join.nodeId());
    if (existing != null && existing.state() != REMOVED) {
      String how = existing.address().equals(join.address()) ? ""
          : " with address " + existing.address() + "; it cannot join again at " + join.address();
      return reject(s, "node '" + join.nodeId() + "' already joined" + how + " (state "
          + existing.state() + "); a node joins once, or again after it is removed");
    }
    return accept(withState(s, new Member(join.nodeId(), join.address(), JOINING),
        ReplicaLists.of(s.map())));
  }

  /** What is wrong with a joining node's id or address, or null. */
  private static String checkJoin(Join join) {
    String problem = DirectoryNames.checkNodeId(join.nodeId());
    return problem != null ? problem : DirectoryNames.checkAddress(join.address());
  }

  /**
   * A move that changes the node's state and no replica list (MarkUp, MarkDown, Leave). Leave
   * makes the node draining; a draining node marked up goes back to leaving, so a down spell does
   * not cancel its removal.
   */
  private static Transition onStateChange(DirectoryState s, String nodeId, String verb,
                                          NodeState target, Set<NodeState> allowedFrom) {
    String problem = checkMove(s, nodeId, verb, allowedFrom);
    if (problem != null) {
      return reject(s, problem);
    }
    Member m = s.memberMap().get(nodeId);
    Member next = target == LEAVING ? m.leave()
        : m.withState(target == UP && m.draining() ? LEAVING : target);
    return accept(withState(s, next, ReplicaLists.of(s.map())));
  }

  /**
   * Takes a down node out of every replica list that keeps at least the floor without it. A
   * partition at the floor keeps the node (and waits for it to come back), so eviction may be
   * partial; it is refused only when no list changes.
   */
  private static Transition onEvict(DirectoryState s, Evict e) {
    String verb = "evict";
    String problem = checkMove(s, e.nodeId(), verb, EnumSet.of(DOWN));
    if (problem != null) {
      // The hint fits only a node that can be marked down: not an unknown or removed one.
      Member m = s.memberMap().get(e.nodeId());
      boolean canGoDown = m != null && m.state() != REMOVED;
      return reject(s, canGoDown ? problem + "; mark it down first" : problem);
    }
    if (e.minReplicas() < 1 || e.minReplicas() > MAX_REPLICATION) {
      return reject(s, "cannot " + verb + " node '" + e.nodeId() + "': minReplicas "
          + e.minReplicas() + " is outside 1.." + MAX_REPLICATION);
    }
    if (!s.map().involves(e.nodeId())) {
      return reject(s, "cannot " + verb + " node '" + e.nodeId() + "': it has no role in any"
          + " partition");
    }
    List<ReplicaSet> lists = ReplicaLists.evicted(s.map(), e.nodeId(), e.minReplicas());
    if (lists.equals(s.map().sets())) {
      return reject(s, "cannot " + verb + " node '" + e.nodeId() + "': all its "
          + ReplicaLists.belowFloor(s.map(), e.nodeId(), e.minReplicas()) + "; the floor is "
          + e.minReplicas() + " (min replicas), so they wait for the node to come back, or for a"
          + " lower floor");
    }
    return accept(withState(s, s.memberMap().get(e.nodeId()), lists));
  }

  private static Transition onRemove(DirectoryState s, Remove r) {
    String verb = "remove";
    String problem = checkMove(s, r.nodeId(), verb, EnumSet.of(LEAVING, DOWN));
    if (problem != null) {
      return reject(s, problem);
    }
    int held = s.map().partitionsOf(r.nodeId()).size();
    if (held > 0) {
      return reject(s, "cannot " + verb + " node '" + r.nodeId() + "': it still holds replicas of "
          + held + (held == 1 ? " partition" : " partitions") + "; they must be moved to other"
          + " nodes first");
    }
    if (s.map().involves(r.nodeId())) {
      return reject(s, "cannot " + verb + " node '" + r.nodeId() + "': it is still a learner or"
          + " leaving node of a partition; wait until its moves end");
    }
    return accept(withState(s, s.memberMap().get(r.nodeId()).withState(REMOVED),
        ReplicaLists.of(s.map())));
  }

  /** Every move checked first, then all applied: one invalid move rejects the command. */
  private static Transition onStartMoves(DirectoryState s, StartMoves command) {
    if (command.moves().isEmpty()) {
      return reject(s, "start moves: no move given");
    }
    List<ReplicaSet> sets = ReplicaLists.of(s.map());
    Set<Integer> seen = new HashSet<>();
    for (MoveRequest m : command.moves()) {
      String problem = checkMove(s, m, seen);
      if (problem != null) {
        return reject(s, "cannot move partition " + m.partition() + " to '" + m.to() + "': "
            + problem);
      }
      sets.set(m.partition(), sets.get(m.partition())
          .withMove(new PartitionMove(m.to(), m.from(), s.epoch() + 1)));
    }
    return accept(withSets(s, sets));
  }

  /** What is wrong with one move, or null; {@code seen} collects the partitions already moved. */
  private static String checkMove(DirectoryState s, MoveRequest m, Set<Integer> seen) {
    String problem = checkPartition(s, m.partition());
    if (problem != null) {
      return problem;
    }
    if (!seen.add(m.partition())) {
      return "the command moves it twice; one move per partition at a time";
    }
    ReplicaSet set = s.map().set(m.partition());
    if (set.move() != null) {
      return "move " + set.move() + " is still in progress";
    }
    Member to = s.memberMap().get(m.to());
    if (to == null || (to.state() != UP && to.state() != JOINING)) {
      return "the learner must be a joining or up member; it is "
          + (to == null ? "unknown" : to.state().toString());
    }
    if (set.involves(m.to())) {
      return "it already has a role in the partition " + set;
    }
    if (m.from() == null) {
      return set.replicas().size() < s.map().replicasPerPartition() ? null
          : "the partition has its " + s.map().replicasPerPartition() + " replicas " + set.replicas()
              + "; name the replica to replace";
    }
    return set.replicas().contains(m.from()) ? null
        : "'" + m.from() + "' is not a replica of it " + set.replicas();
  }

  private static Transition onPromote(DirectoryState s, Promote p) {
    String problem = checkPartition(s, p.partition());
    if (problem == null) {
      PartitionMove move = s.map().set(p.partition()).move();
      if (move == null || !move.to().equals(p.nodeId()) || move.since() != p.since()) {
        problem = "it has no move to '" + p.nodeId() + "' since epoch " + p.since()
            + (move == null ? " (no move in progress)" : " (in progress: " + move + ")")
            + "; a learner that was dropped and added again starts over";
      }
    }
    if (problem != null) {
      return reject(s, "cannot promote '" + p.nodeId() + "' in partition " + p.partition() + ": "
          + problem);
    }
    List<ReplicaSet> sets = ReplicaLists.of(s.map());
    sets.set(p.partition(), ReplicaLists.promoted(sets.get(p.partition())));
    return accept(withSets(s, sets));
  }

  private static Transition onDemote(DirectoryState s, Demote d) {
    String problem = checkPartition(s, d.partition());
    Member m = s.memberMap().get(d.nodeId());
    if (problem == null && (m == null || (m.state() != LEAVING && m.state() != DOWN))) {
      problem = "only a leaving or down node is demoted without a replacement; it is "
          + (m == null ? "unknown" : m.state().toString());
    }
    ReplicaSet set = problem == null ? s.map().set(d.partition()) : null;
    if (problem == null && !set.replicas().contains(d.nodeId())) {
      problem = "it is not a replica " + set.replicas();
    } else if (problem == null && set.replicas().size() == 1) {
      problem = "it is the last replica";
    } else if (problem == null && set.move() != null && d.nodeId().equals(set.move().from())) {
      problem = "move " + set.move() + " will replace it";
    }
    if (problem != null) {
      return reject(s, "cannot demote '" + d.nodeId() + "' in partition " + d.partition() + ": "
          + problem);
    }
    List<ReplicaSet> sets = ReplicaLists.of(s.map());
    sets.set(d.partition(), ReplicaLists.demoted(set, d.nodeId()));
    return accept(withSets(s, sets));
  }

  private static Transition onRelease(DirectoryState s, Release r) {
    String problem = checkPartition(s, r.partition());
    if (problem == null && !s.map().set(r.partition()).leaving().contains(r.nodeId())) {
      problem = "it is not leaving it " + s.map().set(r.partition());
    }
    if (problem != null) {
      return reject(s, "cannot release '" + r.nodeId() + "' from partition " + r.partition() + ": "
          + problem);
    }
    List<ReplicaSet> sets = ReplicaLists.of(s.map());
    sets.set(r.partition(), ReplicaLists.released(sets.get(r.partition()), r.nodeId()));
    return accept(withSets(s, sets));
  }

  private static String checkPartition(DirectoryState s, int partition) {
    int count = s.map().partitionCount();
    return partition >= 0 && partition < count ? null
        : "no such partition; partitions are 0.." + (count - 1);
  }

  /** The next state with these sets and the same members and namespaces. */
  private static DirectoryState withSets(DirectoryState s, List<ReplicaSet> sets) {
    PartitionMap map = ReplicaLists.restamp(s.map(), s.replicaHolders(), sets, s.epoch() + 1);
    return s.next(new TreeMap<>(s.memberMap()), map, new TreeMap<>(s.namespaceMap()));
  }

  /** Why {@code nodeId} may not {@code verb} from its state, or null. */
  private static String checkMove(DirectoryState s, String nodeId, String verb,
                                  Set<NodeState> allowedFrom) {
    Member m = s.memberMap().get(nodeId);
    if (m == null) {
      return "cannot " + verb + " node '" + nodeId + "': unknown node; the directory knows "
          + s.memberMap().keySet();
    }
    if (!allowedFrom.contains(m.state())) {
      String hint = m.state() == REMOVED ? "; a removed node must join again" : "";
      return "cannot " + verb + " node '" + nodeId + "': it is " + m.state()
          + "; allowed only from " + allowedFrom + hint;
    }
    return null;
  }

  private static Transition onCreateNamespace(DirectoryState s, CreateNamespace c) {
    String problem = DirectoryNames.checkNamespaceName(c.name());
    int replicationFactor = s.map().replicationFactor();
    int holders = s.replicaHolders().size();
    if (problem != null) {
      return reject(s, problem);
    }
    if (s.namespaceMap().containsKey(c.name())) {
      return reject(s, "namespace '" + c.name() + "' already exists");
    }
    if (c.n() < 1 || c.n() > replicationFactor) {
      return reject(s, "N = " + c.n() + " is outside 1.." + replicationFactor
          + " (the cluster's replication factor)");
    }
    if (c.n() > holders) {
      return reject(s, "N = " + c.n() + " is larger than the " + holders
          + " members of the partition map (every member not removed)");
    }
    problem = switch (c.mode()) {
      case STRONG -> c.w() == c.n() && c.r() == 1 ? null
          : "a strong namespace writes every replica and reads one: W must equal N (" + c.n()
              + ") and R must be 1, got W = " + c.w() + ", R = " + c.r();
      case EVENTUAL -> eventualQuorumProblem(c);
    };
    if (problem != null) {
      return reject(s, problem);
    }
    SortedMap<String, Namespace> namespaces = new TreeMap<>(s.namespaceMap());
    namespaces.put(c.name(), new Namespace(c.name(), c.mode(), c.n(), c.w(), c.r(), s.epoch() + 1));
    return accept(s.next(new TreeMap<>(s.memberMap()), s.map(), namespaces));
  }

  /** Why an eventual namespace's W or R is not allowed (each must be 1..N), or null. */
  private static String eventualQuorumProblem(CreateNamespace c) {
    if (c.w() < 1 || c.w() > c.n()) {
      return "an eventual namespace's write quorum W must be 1..N (" + c.n() + "), got W = " + c.w();
    }
    if (c.r() < 1 || c.r() > c.n()) {
      return "an eventual namespace's read quorum R must be 1..N (" + c.n() + "), got R = " + c.r();
    }
    return null;
  }

  private static Transition onDropNamespace(DirectoryState s, DropNamespace d) {
    if (d.name().equals(Namespace.DEFAULT)) {
      return reject(s, "the namespace '" + Namespace.DEFAULT + "' cannot be dropped");
    }
    if (!s.namespaceMap().containsKey(d.name())) {
      return reject(s, "unknown namespace '" + d.name() + "'; existing: "
          + s.namespaceMap().keySet());
    }
    SortedMap<String, Namespace> namespaces = new TreeMap<>(s.namespaceMap());
    namespaces.remove(d.name());
    return accept(s.next(new TreeMap<>(s.memberMap()), s.map(), namespaces));
  }

  /**
   * The next state with {@code member} in its new state and these replica lists; the map moves to
   * the new epoch only if its members (the holders) or lists changed.
   */
  private static DirectoryState withState(DirectoryState s, Member member,
                                          List<ReplicaSet> lists) {
    SortedMap<String, Member> members = new TreeMap<>(s.memberMap());
    members.put(member.nodeId(), member);
    PartitionMap map = ReplicaLists.restamp(s.map(), DirectoryState.replicaHolders(members), lists,
        s.epoch() + 1);
    return s.next(members, map, new TreeMap<>(s.namespaceMap()));
  }

  private static Transition accept(DirectoryState next) {
    return new Transition(next, new CommandResult.Accepted(next.epoch()));
  }

  private static Transition reject(DirectoryState s, String reason) {
    return new Transition(s, new CommandResult.Rejected(s.epoch(), reason));
  }
}
